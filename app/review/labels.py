"""Display names of the workflow's and the decision's codes (lazy, so they follow the locale)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "new": _l("New"),
    "in_review": _l("In review"),
    "evaluation_scheduled": _l("Evaluation scheduled"),
    "needs_more_info": _l("Needs more information"),
    "declined": _l("Declined"),
    "referred_elsewhere": _l("Referred elsewhere"),
    "closed": _l("Closed"),
}

OUTCOME_LABELS = {
    "urgent_safety_review": _l("Urgent safety review"),
    "not_a_candidate_now": _l("Not a candidate now"),
    "needs_clinician_review": _l("Needs clinician review"),
    "likely_candidate": _l("Likely candidate"),
}

TREATMENT_LABELS = {
    "esketamine": _l("Esketamine"),
    "iv_ketamine": _l("IV ketamine"),
    "tms": _l("TMS"),
    "ect_referral": _l("ECT referral"),
}
"""The treatments of issue 21, in the order staff pages show them."""

ECT_OUTCOME_LABELS = {
    "likely_candidate": _l("Suggest discussing an ECT referral"),
    "needs_clinician_review": _l("An ECT referral could be discussed"),
    "not_a_candidate_now": _l("No referral trigger now"),
}
"""The ECT referral's outcomes in words: a referral suggestion, never a statement about ECT."""

CHECKLIST_STATUS_LABELS = {
    "answered": _l("Answered"),
    "partial": _l("Partly answered"),
    "missing": _l("Missing"),
    "clinic": _l("From the clinic's records"),
}

LANGUAGE_LABELS = {
    "en": _l("English"),
    "es": _l("Spanish"),
}

CONTACT_LABELS = {
    "email": _l("Email"),
    "phone": _l("Phone"),
    "either": _l("Email or phone"),
}

EVALUATION_LABELS = {
    "proceed_to_evaluation": _l("Proceed to evaluation"),
    "needs_more_info": _l("Needs more information first"),
    "not_suitable": _l("Not suitable"),
}

CATEGORY_LABELS = {
    "safety": _l("Safety"),
    "exclusion": _l("Exclusion"),
    "caution": _l("Caution"),
    "review": _l("Review"),
    "missing_info": _l("Missing information"),
    "inclusion_evidence": _l("Supports candidacy"),
    "info": _l("Information"),
    "coverage_not_met": _l("Payer criterion not met"),
    "coverage_gap": _l("Documentation gap"),
}

ACTION_LABELS = {
    "view_queue": _l("Viewed the queue"),
    "view_submission": _l("Viewed a submission"),
    "view_print": _l("Opened a printable page"),
    "change_status": _l("Changed a status"),
    "assign": _l("Changed an assignment"),
    "add_note": _l("Added a note"),
    "record_evaluation": _l("Recorded an evaluation decision"),
    "export_csv": _l("Exported CSV"),
    "export_fhir": _l("Exported FHIR"),
    "view_reevaluation": _l("Viewed the re-evaluation dry run"),
    "reevaluate_dry_run": _l("Ran a re-evaluation dry run"),
    "reevaluate_apply": _l("Applied a re-evaluation"),
    "view_rules_performance": _l("Viewed how the rules perform"),
    "retention_purge": _l("Purged records past retention"),
    "settings_saved": _l("Saved clinic settings"),
    "settings_restored": _l("Restored clinic settings"),
    "login_success": _l("Signed in"),
    "login_failure": _l("Failed sign-in attempt"),
    "logout": _l("Signed out"),
    "session_expired": _l("Session ended"),
    "password_changed": _l("Changed their password"),
    "password_change_failure": _l("Failed password change"),
    "two_factor_enrolled": _l("Turned on two-factor sign-in"),
    "recovery_code_used": _l("Used a recovery code"),
    "user_created": _l("Staff account created"),
    "user_enabled": _l("Staff account enabled"),
    "user_disabled": _l("Staff account disabled"),
    "keys_rotated": _l("Encryption keys rotated"),
    "backup_created": _l("Database backed up"),
    "backup_restored": _l("Database restored from a backup"),
    "api_token_issue": _l("Issued an API token"),
    "api_token_revoke": _l("Revoked an API token"),
    "api_submit": _l("A questionnaire response came in through the API"),
    "alert_acknowledged": _l("Acknowledged a safety alert"),
    "alert_contacted": _l("Recorded contact after a safety alert"),
    "alert_assigned": _l("Assigned a safety alert"),
    "alert_delivery_retried": _l("Retried a failed alert delivery"),
    "view_draft": _l("Viewed an unfinished questionnaire"),
}

SCORE_LABELS = {
    "phq9_total": _l("PHQ-9 total"),
    "phq9_band": _l("PHQ-9 band"),
    "adequate_failed_trials": _l("Adequate failed antidepressant trials"),
    "possible_failed_trials": _l("Possible failed trials (details missing)"),
    "treatment_resistance_stage": _l("Treatment-resistance stage"),
    "msm_total": _l("MSM-style total"),
    "age_years": _l("Age at submission"),
    "gad7_total": _l("GAD-7 total"),
    "pcl5_total": _l("PCL-5 total"),
}


def label(mapping: dict[str, object], code: str | None) -> str:
    """The display name of ``code``, or the code itself for one this version does not know."""
    if code is None:
        return ""
    return str(mapping.get(code, code))
