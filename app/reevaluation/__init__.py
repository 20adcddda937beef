"""Re-evaluation of the stored decisions under a target rule set (a dry run, then a confirmed
apply as a background job), and how the rules perform against the clinicians' decisions.

plan.py reads (the dry run), runs.py writes (runs, the apply), tasks.py queues them,
performance.py measures the rules, views.py and forms.py are the pages.
"""

from flask import Blueprint

bp = Blueprint("reevaluation", __name__, url_prefix="/review")

from app.reevaluation import models, views  # noqa: E402, F401
