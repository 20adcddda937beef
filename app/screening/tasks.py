"""Background tasks of the patient pages: the "email me a link" of "finish later"."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from app import clinic, jobs, mail


@jobs.task(retries=3, retry_delay=60)
def email_resume_link(to: str, link: str, language: str) -> None:
    """The link back to the questionnaire: no answers, no name, no code in the words."""
    with force_locale(language):
        subject = gettext("Your link to finish your screening questionnaire")
        text = gettext(
            "You asked for a link to finish your questionnaire for %(clinic)s:\n\n%(link)s\n\n"
            "You will need your resume code and your date of birth. If you did not ask for "
            "this, you can ignore this email.",
            clinic=clinic.current().clinic_name,
            link=link,
        )
    mail.send(to, subject, text)
