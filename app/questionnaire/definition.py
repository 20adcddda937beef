"""THE questionnaire: every step and item of clinical-rules.md §2, in order.

Adding a question means adding one item here; forms, review page, validation and the FHIR
Questionnaire are all derived from this module.
"""

from __future__ import annotations

import hashlib
from typing import Any

from app.questionnaire.conditions import (
    DEPRESSION_PATHWAY,
    AnyOf,
    AtLeast,
    Condition,
    Contains,
    CountAtLeast,
    Equals,
    In,
    IsEmpty,
    Offered,
    Present,
)
from app.questionnaire.i18n import N_, NC_
from app.questionnaire.kinds import Widget
from app.questionnaire.model import (
    Choice,
    Element,
    Group,
    Item,
    KindName,
    Step,
    default_widget,
)

TOTAL_STEPS = 10
"""Shown as "Step N of 10"; the extra safety page 7b shares number 7."""

# -- choice sets ---------------------------------------------------------------------------

YES = Choice("yes", N_("Yes"))
NO = Choice("no", N_("No"))
YES_NO = (YES, NO)
YNU = (YES, NO, Choice("unsure", N_("Not sure")))
ASQ_ANSWERS = (YES, NO, Choice("declined", N_("Prefer not to answer")))

CONDITIONS = (
    Choice("depression", N_("Depression")),
    Choice("bipolar_depression", N_("Depression in bipolar disorder")),
    Choice("chronic_pain", N_("Chronic pain")),
    Choice("ptsd", N_("PTSD (post-traumatic stress disorder)")),
    Choice("anxiety", N_("Anxiety")),
    Choice("migraine", N_("Migraine")),
    Choice("ocd", N_("OCD (obsessive-compulsive disorder)")),
    Choice("other", N_("Something else")),
)

PAIN_TYPES = (
    Choice("crps", N_("CRPS (complex regional pain syndrome)")),
    Choice("neuropathic", N_("Nerve pain (neuropathic pain)")),
    Choice("fibromyalgia", N_("Fibromyalgia")),
    Choice("spinal_cord_injury", N_("Pain after a spinal cord injury")),
    Choice("phantom_limb", N_("Phantom limb pain")),
    Choice("postherpetic_neuralgia", N_("Pain after shingles (postherpetic neuralgia)")),
    Choice("cancer_pain", N_("Cancer pain")),
    Choice("low_back_pain", N_("Low back pain")),
    Choice("other", N_("Another kind of pain")),
)

CARE_PROVIDERS = (
    Choice("psychiatrist", N_("A psychiatrist")),
    Choice("therapist", N_("A therapist or counselor")),
    Choice("primary_care", N_("A family doctor or primary care clinician")),
    Choice("pain_specialist", N_("A pain specialist")),
    Choice("none", N_("No one at the moment")),
)

# Keys of the dose table (clinical-rules §3) with their "shown as" labels, then other/unknown.
DRUGS = (
    Choice("citalopram", N_("citalopram (Celexa)")),
    Choice("escitalopram", N_("escitalopram (Lexapro)")),
    Choice("fluoxetine", N_("fluoxetine (Prozac)")),
    Choice("paroxetine", N_("paroxetine IR (Paxil)")),
    Choice("paroxetine_cr", N_("paroxetine CR (Paxil CR)")),
    Choice("sertraline", N_("sertraline (Zoloft)")),
    Choice("fluvoxamine", N_("fluvoxamine (Luvox)")),
    Choice("venlafaxine", N_("venlafaxine IR/XR (Effexor)")),
    Choice("desvenlafaxine", N_("desvenlafaxine (Pristiq)")),
    Choice("duloxetine", N_("duloxetine (Cymbalta)")),
    Choice("levomilnacipran", N_("levomilnacipran (Fetzima)")),
    Choice("bupropion", N_("bupropion IR/SR/XL (Wellbutrin)")),
    Choice("mirtazapine", N_("mirtazapine (Remeron)")),
    Choice("trazodone", N_("trazodone (Desyrel, Oleptro)")),
    Choice("nefazodone", N_("nefazodone")),
    Choice("vilazodone", N_("vilazodone (Viibryd)")),
    Choice("vortioxetine", N_("vortioxetine (Trintellix)")),
    Choice("amitriptyline", N_("amitriptyline")),
    Choice("nortriptyline", N_("nortriptyline (Pamelor)")),
    Choice("imipramine", N_("imipramine (Tofranil)")),
    Choice("desipramine", N_("desipramine (Norpramin)")),
    Choice("doxepin", N_("doxepin (capsules)")),
    Choice("protriptyline", N_("protriptyline")),
    Choice("trimipramine", N_("trimipramine")),
    Choice("clomipramine", N_("clomipramine (Anafranil)")),
    Choice("phenelzine", N_("phenelzine (Nardil)")),
    Choice("tranylcypromine", N_("tranylcypromine (Parnate)")),
    Choice("isocarboxazid", N_("isocarboxazid (Marplan)")),
    Choice("selegiline_transdermal", N_("selegiline patch (Emsam), mg/24 h")),
    Choice("other", N_("Another medicine")),
    Choice("unknown", N_("I don't know the name")),
)

MEDICATION_RESPONSE = (
    Choice("none", N_("Little or no help")),
    Choice("partial", N_("Some help, but I was still depressed")),
    Choice("full", N_("I got well")),
    Choice("unknown", N_("I don't know, or I stopped too soon")),
)

TREATMENT_RESPONSE = (
    Choice("none", N_("Little or no help")),
    Choice("partial", N_("Some help, but I still had symptoms")),
    Choice("full", N_("I got well")),
    Choice("unknown", N_("I don't know, or I stopped too soon")),
)

# When a medicine or a talking therapy ended (payers ask for dates; some count only the past
# 5 years).
WHEN_ENDED = (
    Choice("ongoing", N_("It has not ended yet")),
    Choice("within_12_months", N_("In the past 12 months")),
    Choice("1_to_5_years_ago", N_("1 to 5 years ago")),
    Choice("over_5_years_ago", N_("More than 5 years ago")),
    Choice("unsure", N_("Not sure")),
)

HEAD_IMPLANTS = (
    Choice("aneurysm_clip_or_coil", N_("A clip or coil for an aneurysm in the brain")),
    Choice("cochlear_implant", N_("A cochlear implant (a hearing implant)")),
    Choice(
        "brain_stimulator_or_electrodes",
        N_("A brain stimulator or electrodes (for example deep brain stimulation)"),
    ),
    Choice("vagus_nerve_stimulator", N_("A vagus nerve stimulator (VNS)")),
    Choice("shunt", N_("A shunt that drains fluid from the brain")),
    Choice("stent_head_or_neck", N_("A stent in a blood vessel of the head or neck")),
    Choice(
        "metal_fragments",
        N_(
            "Metal fragments in the head or neck (for example from a bullet, shrapnel or metalwork)"
        ),
    ),
    Choice("eye_implant", N_("An implant or metal in the eye")),
    Choice("magnetic_dental_implant", N_("Dental implants held by magnets")),
    Choice("skull_plate_or_screws", N_("A metal plate or screws in the skull")),
    Choice("other_metal_head_or_neck", N_("Other metal or another device in the head or neck")),
    Choice("none", N_("None of these")),
    Choice("unsure", N_("Not sure")),
)
IMPLANT_VALUES = tuple(c.value for c in HEAD_IMPLANTS if c.value not in ("none", "unsure"))

SEIZURE_HISTORY = (
    Choice("never", N_("Never")),
    Choice("febrile_in_childhood_only", N_("Only with a high fever as a young child")),
    Choice("during_ect_only", N_("Only during ECT treatment")),
    Choice("withdrawal_related", N_("When stopping alcohol, drugs or a medicine (withdrawal)")),
    Choice("epilepsy_diagnosed", N_("I have been diagnosed with epilepsy")),
    Choice("other_seizure", N_("Another seizure")),
    Choice("unsure", N_("Not sure")),
)
SEIZURES_THAT_MATTER = ("withdrawal_related", "epilepsy_diagnosed", "other_seizure")

INSURANCE_TYPES = (
    Choice("commercial", N_("Private insurance (through work or bought myself)")),
    Choice("medicare", N_("Medicare")),
    Choice("medicare_advantage", N_("A Medicare Advantage plan")),
    Choice("medicaid", N_("Medicaid")),
    Choice("military_or_va", N_("Military or veterans' coverage (TRICARE, VA)")),
    Choice("self_pay", N_("I would pay myself")),
    Choice("unsure", N_("Not sure")),
)

# Questions only one treatment needs (clinical-pathways.md §4.5): asked where it is offered.
OFFERS_TMS: Condition = Offered(("tms",))
OFFERS_TMS_OR_ECT: Condition = Offered(("tms", "ect_referral"))
OFFERS_IV_KETAMINE: Condition = Offered(("iv_ketamine",))
# Ketamine and esketamine (and ECT's anaesthesia) mean no driving home; TMS does not.
OFFERS_NO_DRIVING: Condition = Offered(("esketamine", "iv_ketamine", "ect_referral"))
OFFERS_KETAMINE: Condition = Offered(("esketamine", "iv_ketamine"))

PHQ_GAD_SCALE = (
    Choice("0", N_("Not at all")),
    Choice("1", N_("Several days")),
    Choice("2", N_("More than half the days")),
    Choice("3", N_("Nearly every day")),
)

PCL5_SCALE = (
    # TRANSLATORS: PCL-5 asks how much a problem bothered you (Spanish: Nada), not how often.
    Choice("0", NC_("PCL-5", "Not at all")),
    Choice("1", N_("A little bit")),
    Choice("2", N_("Moderately")),
    Choice("3", N_("Quite a bit")),
    Choice("4", N_("Extremely")),
)

# -- item builders -------------------------------------------------------------------------


def _item(
    name: str,
    kind: KindName,
    label: str,
    *,
    required: bool = True,
    help: str = "",
    choices: tuple[Choice, ...] = (),
    minimum: float | None = None,
    maximum: float | None = None,
    max_length: int | None = None,
    shown_if: Condition | None = None,
    exclusive: tuple[str, ...] = (),
    must_be_true: bool = False,
    widget: Widget | None = None,
    loinc: str | None = None,
    default: object = None,
    intro: str = "",
    intro_hint: str = "",
    required_message: str = "",
    unit: str = "",
    noun: str = "",
    example: str = "",
) -> Item:
    return Item(
        name=name,
        kind=kind,
        label=label,
        required=required,
        help=help,
        choices=choices,
        minimum=minimum,
        maximum=maximum,
        max_length=max_length,
        shown_if=shown_if,
        exclusive=exclusive,
        must_be_true=must_be_true,
        widget=widget or default_widget(kind, len(choices)),
        loinc=loinc,
        default=default,
        intro=intro,
        intro_hint=intro_hint,
        required_message=required_message,
        unit=unit,
        noun=noun,
        example=example,
    )


def _string(name: str, label: str, max_length: int, **options: Any) -> Item:
    return _item(name, "string", label, max_length=max_length, **options)


def _text(name: str, label: str, max_length: int, **options: Any) -> Item:
    return _item(name, "text", label, required=False, max_length=max_length, **options)


def _enum(name: str, label: str, choices: tuple[Choice, ...], **options: Any) -> Item:
    return _item(name, "enum", label, choices=choices, **options)


def _ynu(name: str, label: str, **options: Any) -> Item:
    return _enum(name, label, YNU, **options)


def _multi(name: str, label: str, choices: tuple[Choice, ...], **options: Any) -> Item:
    return _item(name, "multi", label, choices=choices, **options)


def _int(name: str, label: str, minimum: int, maximum: int, **options: Any) -> Item:
    return _item(name, "int", label, minimum=minimum, maximum=maximum, **options)


def _decimal(name: str, label: str, minimum: float, maximum: float, **options: Any) -> Item:
    return _item(name, "decimal", label, minimum=minimum, maximum=maximum, **options)


def _tick(name: str, label: str, message: str, **options: Any) -> Item:
    return _item(name, "bool", label, must_be_true=True, required_message=message, **options)


def _scale(
    name: str,
    label: str,
    choices: tuple[Choice, ...],
    *,
    shown_if: Condition | None = None,
    loinc: str | None = None,
    intro: str = "",
    intro_hint: str = "",
) -> Item:
    return _int(
        name,
        label,
        0,
        len(choices) - 1,
        choices=choices,
        shown_if=shown_if,
        loinc=loinc,
        intro=intro,
        intro_hint=intro_hint,
        required_message=N_("Choose how often you have been bothered by this."),
    )


def _yes(field: str) -> Condition:
    return Equals(field, "yes")


# -- rating instruments (official wording) ---------------------------------------------------

PHQ9_STEM = N_(
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
)
GAD7_STEM = N_("Over the last 2 weeks, how often have you been bothered by the following problems?")
PCL5_STEM = N_(
    "Below is a list of problems that people sometimes have in response to a very stressful "
    "experience. In the past month, how much were you bothered by:"
)
# Optional blocks (clinical-rules.md §2, clarified by issue 15): all items or none.
GAD7_OPTIONAL = N_(
    "These 7 anxiety questions are optional: answer all of them, or leave them all blank."
)
PCL5_OPTIONAL = N_(
    "These 20 questions about a stressful experience are optional: answer all of them, or leave "
    "them all blank."
)

PHQ9 = (
    ("phq9_1", N_("Little interest or pleasure in doing things"), "44250-9"),
    ("phq9_2", N_("Feeling down, depressed, or hopeless"), "44255-8"),
    ("phq9_3", N_("Trouble falling or staying asleep, or sleeping too much"), "44259-0"),
    ("phq9_4", N_("Feeling tired or having little energy"), "44254-1"),
    ("phq9_5", N_("Poor appetite or overeating"), "44251-7"),
    (
        "phq9_6",
        N_(
            "Feeling bad about yourself — or that you are a failure or have let yourself or "
            "your family down"
        ),
        "44258-2",
    ),
    (
        "phq9_7",
        N_("Trouble concentrating on things, such as reading the newspaper or watching television"),
        "44252-5",
    ),
    (
        "phq9_8",
        N_(
            "Moving or speaking so slowly that other people could have noticed? Or the "
            "opposite — being so fidgety or restless that you have been moving around a lot "
            "more than usual"
        ),
        "44253-3",
    ),
    (
        "phq9_9",
        N_("Thoughts that you would be better off dead, or of hurting yourself in some way"),
        "44260-8",
    ),
)

GAD7 = (
    N_("Feeling nervous, anxious, or on edge"),
    N_("Not being able to stop or control worrying"),
    N_("Worrying too much about different things"),
    N_("Trouble relaxing"),
    N_("Being so restless that it is hard to sit still"),
    N_("Becoming easily annoyed or irritable"),
    N_("Feeling afraid, as if something awful might happen"),
)

PCL5 = (
    N_("Repeated, disturbing, and unwanted memories of the stressful experience?"),
    N_("Repeated, disturbing dreams of the stressful experience?"),
    N_(
        "Suddenly feeling or acting as if the stressful experience were actually happening "
        "again (as if you were actually back there reliving it)?"
    ),
    N_("Feeling very upset when something reminded you of the stressful experience?"),
    N_(
        "Having strong physical reactions when something reminded you of the stressful "
        "experience (for example, heart pounding, trouble breathing, sweating)?"
    ),
    N_("Avoiding memories, thoughts, or feelings related to the stressful experience?"),
    N_(
        "Avoiding external reminders of the stressful experience (for example, people, "
        "places, conversations, activities, objects, or situations)?"
    ),
    N_("Trouble remembering important parts of the stressful experience?"),
    N_(
        "Having strong negative beliefs about yourself, other people, or the world (for "
        "example, having thoughts such as: I am bad, there is something seriously wrong with "
        "me, no one can be trusted, the world is completely dangerous)?"
    ),
    N_("Blaming yourself or someone else for the stressful experience or what happened after it?"),
    N_("Having strong negative feelings such as fear, horror, anger, guilt, or shame?"),
    N_("Loss of interest in activities that you used to enjoy?"),
    N_("Feeling distant or cut off from other people?"),
    N_(
        "Trouble experiencing positive feelings (for example, being unable to feel happiness "
        "or have loving feelings for people close to you)?"
    ),
    N_("Irritable behavior, angry outbursts, or acting aggressively?"),
    N_("Taking too many risks or doing things that could cause you harm?"),
    N_('Being "superalert" or watchful or on guard?'),
    N_("Feeling jumpy or easily startled?"),
    N_("Having difficulty concentrating?"),
    N_("Trouble falling or staying asleep?"),
)

ASQ_FIELDS = ("asq_wish_dead", "asq_better_off_dead", "asq_thoughts_kill_self", "asq_ever_attempt")

SAFETY_NOW_SHOWN_IF: Condition = AnyOf(
    *(In(name, ("yes", "declined")) for name in ASQ_FIELDS), AtLeast("phq9_9", 1)
)
"""Step 7b: any ASQ question answered yes or declined, or PHQ-9 item 9 at least 1."""

HOW_MUCH_HELPED = N_("Choose how much it helped.")

# -- the steps -----------------------------------------------------------------------------

ABOUT_YOU = Step(
    name="about_you",
    number=1,
    title=N_("About you"),
    items=(
        _string("first_name", N_("First name"), 100, required_message=N_("Enter your first name.")),
        _string("last_name", N_("Last name"), 100, required_message=N_("Enter your last name.")),
        _item(
            "date_of_birth",
            "date",
            N_("Date of birth"),
            help=N_("For example, 3 27 1984"),
            required_message=N_("Enter your date of birth."),
        ),
        _item(
            "email",
            "email",
            N_("Email"),
            max_length=254,
            required_message=N_("Enter your email address, for example name@example.com."),
        ),
        _item(
            "phone",
            "phone",
            N_("Phone"),
            required=False,
            max_length=20,
            help=N_("Optional. Include the area code."),
        ),
        _enum(
            "preferred_contact",
            N_("How would you like us to contact you?"),
            (
                Choice("email", N_("Email")),
                Choice("phone", N_("Phone")),
                Choice("either", N_("Either")),
            ),
            required=False,
            default="either",
        ),
        _enum(
            "preferred_language",
            N_("Which language should we use with you?"),
            (Choice("en", N_("English")), Choice("es", N_("Spanish"))),
        ),
    ),
)

SEEKING_HELP = Step(
    name="seeking_help",
    number=2,
    title=N_("What you are seeking help for"),
    items=(
        _multi(
            "conditions",
            N_("What would you like help with?"),
            CONDITIONS,
            help=N_("Choose all that apply."),
            required_message=N_("Choose at least one thing you would like help with."),
        ),
        _string(
            "conditions_other",
            N_("Please describe"),
            200,
            help=N_("Only if you chose “Something else”."),
            shown_if=Contains("conditions", "other"),
        ),
        _enum(
            "primary_condition",
            N_("Which matters most right now?"),
            CONDITIONS,
            help=N_("Only if you chose more than one."),
            widget="radio",
            shown_if=CountAtLeast("conditions", 2),
        ),
        _ynu(
            "diagnosed_by_professional",
            N_("Has a doctor or licensed clinician diagnosed this?"),
        ),
        _multi(
            "pain_types",
            N_("Which kind of pain?"),
            PAIN_TYPES,
            help=N_("Choose all that apply. CRPS = complex regional pain syndrome."),
            shown_if=Contains("conditions", "chronic_pain"),
        ),
        _multi(
            "currently_in_care",
            N_("Who is treating you now?"),
            CARE_PROVIDERS,
            required=False,
            exclusive=("none",),
            help=N_("Choose all that apply."),
        ),
    ),
)

DEPRESSION_HISTORY = Step(
    name="depression_history",
    number=3,
    title=N_("Your depression"),
    shown_if=DEPRESSION_PATHWAY,
    items=(
        _enum(
            "episode_duration",
            N_("How long has this current period of depression lasted?"),
            (
                Choice("up_to_12_months", N_("Up to 12 months")),
                Choice("13_to_24_months", N_("13 to 24 months")),
                Choice("over_24_months", N_("More than 24 months")),
                Choice("unsure", N_("Not sure")),
            ),
        ),
        _enum(
            "prior_episodes",
            N_("Before this one, how many separate periods of depression have you had?"),
            (
                Choice("none", N_("None, this is the first")),
                Choice("one", N_("One")),
                Choice("two_or_more", N_("Two or more")),
                Choice("unsure", N_("Not sure")),
            ),
            required=False,
        ),
        _ynu(
            "hospitalized_for_depression",
            N_("Have you ever been in hospital for depression?"),
            required=False,
        ),
    ),
)

MEDICATION_TRIALS = Group(
    name="medication_trials",
    label=N_("Antidepressants you have taken"),
    item_label=N_("Medicine %(n)s"),
    help=N_("One entry for each antidepressant; if you took one twice, the longer course."),
    max_entries=20,
    items=(
        _enum(
            "drug",
            N_("Medicine"),
            DRUGS,
            help=N_("Listed by generic name, with brand names."),
            required_message=N_("Choose the medicine, or “I don't know the name”."),
        ),
        _string(
            "drug_other",
            N_("Name of the medicine"),
            100,
            shown_if=Equals("drug", "other"),
            required_message=N_("Enter the name of the medicine."),
        ),
        _decimal(
            "daily_dose_mg",
            N_("Highest daily dose you took regularly, in mg"),
            0.1,
            2000,
            required=False,
            help=N_("Leave blank if you are not sure. Selegiline patch: mg per 24 hours."),
            unit="mg",
            noun=N_("the dose"),
            example=N_("150 mg"),
        ),
        _item(
            "dose_confirmed",
            "bool",
            N_("This dose is right (it is above the usual maximum)"),
            required=False,
            help=N_("Only shown when a dose is above the medicine's usual maximum."),
        ),
        _int(
            "weeks_at_dose",
            N_("About how many weeks did you take it at that dose?"),
            0,
            520,
            required=False,
            unit="weeks",
            noun=N_("the time"),
            example=N_("10 weeks"),
        ),
        _ynu(
            "current_episode",
            N_("Was this during the current period of depression?"),
        ),
        _enum(
            "response",
            N_("How much did it help?"),
            MEDICATION_RESPONSE,
            required_message=HOW_MUCH_HELPED,
        ),
        _enum(
            "stopped_reason",
            N_("Why did you stop?"),
            (
                Choice("still_taking", N_("I am still taking it")),
                Choice("not_helping", N_("It was not helping")),
                Choice("side_effects", N_("Side effects")),
                Choice("cost_or_access", N_("Cost, or I could not get it")),
                Choice("other", N_("Another reason")),
            ),
            required=False,
        ),
        _enum(
            "when_ended",
            N_("When did you stop it?"),
            WHEN_ENDED,
            required=False,
            help=N_("Optional."),
            widget="select",  # optional, five choices: one line on a phone, not five
        ),
        _ynu(
            "prescriber_said_full_dose",
            N_("Did your prescriber say you reached a full dose?"),
            required=False,
        ),
    ),
)

MEDICATIONS = Step(
    name="medications",
    number=4,
    title=N_("Antidepressant medicines"),
    shown_if=DEPRESSION_PATHWAY,
    items=(
        MEDICATION_TRIALS,
        _tick(
            "no_antidepressant_trials",
            N_("I have not taken an antidepressant"),
            N_(
                "Add the antidepressants you have taken, or tick “I have not taken an "
                "antidepressant”."
            ),
            shown_if=IsEmpty("medication_trials"),
        ),
        _ynu(
            "augmentation_tried",
            N_(
                "Has a medicine ever been added to an antidepressant to boost it (for example "
                "lithium, aripiprazole, quetiapine, thyroid hormone, or a second "
                "antidepressant)?"
            ),
        ),
        _multi(
            "augmentation_agents",
            N_("Which?"),
            (
                Choice("lithium", N_("Lithium")),
                Choice(
                    "atypical_antipsychotic",
                    N_("An antipsychotic (for example aripiprazole, quetiapine, brexpiprazole)"),
                ),
                Choice("thyroid_hormone", N_("Thyroid hormone (for example liothyronine)")),
                Choice(
                    "second_antidepressant",
                    N_("A second antidepressant (for example mirtazapine or bupropion)"),
                ),
                Choice("stimulant", N_("A stimulant (for example methylphenidate)")),
                Choice("other", N_("Something else")),
            ),
            help=N_("Choose all that apply."),
            shown_if=_yes("augmentation_tried"),
        ),
        _int(
            "augmentation_weeks",
            N_("Weeks on the added medicine (optional)"),
            0,
            520,
            required=False,
            help=N_("If more than one, the longest."),
            unit="weeks",
            noun=N_("the time"),
            example=N_("10 weeks"),
            shown_if=_yes("augmentation_tried"),
        ),
        _enum(
            "augmentation_response",
            N_("How much did it help?"),
            MEDICATION_RESPONSE,
            shown_if=_yes("augmentation_tried"),
            required_message=HOW_MUCH_HELPED,
        ),
    ),
)

THERAPY_TRIALS = Group(
    name="therapy_trials",
    label=N_("Talking therapies you have had"),
    item_label=N_("Therapy %(n)s"),
    help=N_("Add one entry for each kind of talking therapy."),
    max_entries=10,
    items=(
        _enum(
            "type",
            N_("Kind of talking therapy"),
            (
                Choice("cbt", N_("Cognitive behavioral therapy (CBT)")),
                Choice("ipt", N_("Interpersonal therapy (IPT)")),
                Choice("behavioral_activation", N_("Behavioral activation")),
                Choice("dbt", N_("Dialectical behavior therapy (DBT)")),
                Choice("act", N_("Acceptance and commitment therapy (ACT)")),
                Choice("mbct", N_("Mindfulness-based cognitive therapy (MBCT)")),
                Choice("psychodynamic", N_("Psychodynamic therapy")),
                Choice("supportive_counseling", N_("Supportive counseling")),
                Choice("other", N_("Another kind")),
            ),
            required_message=N_("Choose the kind of therapy, or “Another kind”."),
        ),
        _enum(
            "format",
            N_("Individual or group?"),
            (
                Choice("individual", N_("One-to-one")),
                Choice("group", N_("In a group")),
                Choice("both", N_("Both")),
            ),
        ),
        _int(
            "sessions",
            N_("About how many sessions?"),
            1,
            500,
            required=False,
            unit="sessions",
            noun=N_("the number of sessions"),
            example="12",
        ),
        _int(
            "weeks",
            N_("Over about how many weeks?"),
            1,
            520,
            required=False,
            unit="weeks",
            noun=N_("the time"),
            example=N_("12 weeks"),
        ),
        _ynu(
            "current_episode",
            N_("Was this during the current period of depression?"),
            required=False,
        ),
        _enum("when_ended", N_("When did it end?"), WHEN_ENDED, required=False, widget="select"),
        _enum(
            "response",
            N_("How much did it help?"),
            TREATMENT_RESPONSE,
            required_message=HOW_MUCH_HELPED,
        ),
    ),
)

OTHER_TREATMENTS = Step(
    name="other_treatments",
    number=5,
    title=N_("Other treatments"),
    items=(
        THERAPY_TRIALS,
        _tick(
            "no_therapy_trials",
            N_("I have not had talking therapy"),
            N_("Add the talking therapies you have had, or tick “I have not had talking therapy”."),
            shown_if=IsEmpty("therapy_trials"),
        ),
        _ynu("tms_tried", N_("Have you had TMS (transcranial magnetic stimulation)?")),
        _int(
            "tms_sessions",
            N_("About how many sessions?"),
            1,
            200,
            required=False,
            unit="sessions",
            noun=N_("the number of sessions"),
            example="12",
            shown_if=_yes("tms_tried"),
        ),
        _enum(
            "tms_response",
            N_("How much did it help?"),
            TREATMENT_RESPONSE,
            shown_if=_yes("tms_tried"),
            required_message=HOW_MUCH_HELPED,
        ),
        _ynu("ect_tried", N_("Have you had ECT (electroconvulsive therapy)?")),
        _int(
            "ect_sessions",
            N_("About how many treatments?"),
            1,
            100,
            required=False,
            unit="sessions",
            noun=N_("the number of sessions"),
            example="12",
            shown_if=_yes("ect_tried"),
        ),
        _enum(
            "ect_response",
            N_("How much did it help?"),
            TREATMENT_RESPONSE,
            shown_if=_yes("ect_tried"),
            required_message=HOW_MUCH_HELPED,
        ),
        _ynu(
            "prior_ketamine",
            N_("Have you been treated with ketamine or esketamine (Spravato)?"),
            help=N_("As a prescribed treatment."),
        ),
        _multi(
            "prior_ketamine_forms",
            N_("Which?"),
            (
                Choice("iv_ketamine", N_("Ketamine infusion into a vein (IV)")),
                Choice("esketamine_nasal", N_("Esketamine nasal spray (Spravato)")),
                Choice(
                    "oral_or_sublingual",
                    N_("Ketamine by mouth or under the tongue (tablets, lozenges or drops)"),
                ),
                Choice("intramuscular", N_("Ketamine injection into a muscle")),
                Choice("other", N_("Another form")),
            ),
            help=N_("Choose all that apply."),
            shown_if=_yes("prior_ketamine"),
        ),
        _enum(
            "prior_ketamine_response",
            N_("How much did it help?"),
            TREATMENT_RESPONSE,
            shown_if=_yes("prior_ketamine"),
            required_message=HOW_MUCH_HELPED,
        ),
        _ynu(
            "prior_ketamine_ongoing",
            N_("Are you still having ketamine or esketamine treatments?"),
            shown_if=_yes("prior_ketamine"),
        ),
        _ynu(
            "prior_ketamine_problems",
            N_("Did you have any serious side effect or bad reaction?"),
            shown_if=_yes("prior_ketamine"),
        ),
        _text(
            "prior_ketamine_problems_text",
            N_("What happened?"),
            500,
            shown_if=_yes("prior_ketamine_problems"),
        ),
    ),
)

CURRENT_SYMPTOMS = Step(
    name="current_symptoms",
    number=6,
    title=N_("How you have been feeling"),
    intro=PHQ9_STEM,
    safety_response=True,
    items=(
        *(_scale(name, label, PHQ_GAD_SCALE, loinc=loinc) for name, label, loinc in PHQ9),
        _enum(
            "phq9_difficulty",
            N_(
                "If you checked off any problems, how difficult have these problems made it "
                "for you to do your work, take care of things at home, or get along with other "
                "people?"
            ),
            (
                Choice("not_difficult", N_("Not difficult at all")),
                Choice("somewhat", N_("Somewhat difficult")),
                Choice("very", N_("Very difficult")),
                Choice("extremely", N_("Extremely difficult")),
            ),
            required=False,
        ),
        *(
            _scale(
                f"gad7_{n}",
                label,
                PHQ_GAD_SCALE,
                shown_if=Contains("conditions", "anxiety"),
                intro=GAD7_STEM if n == 1 else "",
                intro_hint=GAD7_OPTIONAL if n == 1 else "",
            )
            for n, label in enumerate(GAD7, start=1)
        ),
        *(
            _scale(
                f"pcl5_{n}",
                label,
                PCL5_SCALE,
                shown_if=Contains("conditions", "ptsd"),
                intro=PCL5_STEM if n == 1 else "",
                intro_hint=PCL5_OPTIONAL if n == 1 else "",
            )
            for n, label in enumerate(PCL5, start=1)
        ),
    ),
)

SAFETY = Step(
    name="safety",
    number=7,
    title=N_("Safety questions"),
    intro=N_("We ask everyone these questions."),
    safety_response=True,
    items=(
        _enum(
            "asq_wish_dead",
            N_("In the past few weeks, have you wished you were dead?"),
            ASQ_ANSWERS,
        ),
        _enum(
            "asq_better_off_dead",
            N_(
                "In the past few weeks, have you felt that you or your family would be better "
                "off if you were dead?"
            ),
            ASQ_ANSWERS,
        ),
        _enum(
            "asq_thoughts_kill_self",
            N_("In the past week, have you been having thoughts about killing yourself?"),
            ASQ_ANSWERS,
        ),
        _enum("asq_ever_attempt", N_("Have you ever tried to kill yourself?"), ASQ_ANSWERS),
        _enum(
            "asq_attempt_when",
            N_("When?"),
            (
                Choice("within_3_months", N_("In the past 3 months")),
                Choice("3_to_12_months", N_("3 to 12 months ago")),
                Choice("over_12_months", N_("More than 12 months ago")),
                Choice("declined", N_("Prefer not to answer")),
            ),
            shown_if=_yes("asq_ever_attempt"),
        ),
        _text(
            "asq_attempt_details",
            N_("How?"),
            500,
            help=N_("Optional."),
            shown_if=_yes("asq_ever_attempt"),
        ),
    ),
)

SAFETY_NOW = Step(
    name="safety_now",
    number=7,
    title=N_("Safety questions"),
    shown_if=SAFETY_NOW_SHOWN_IF,
    safety_response=True,
    items=(
        _enum(
            "asq_thoughts_now",
            N_("Are you having thoughts of killing yourself right now?"),
            ASQ_ANSWERS,
        ),
    ),
)

HEALTH = Step(
    name="health",
    number=8,
    title=N_("Health"),
    items=(
        _ynu(
            "ci_aneurysm",
            N_(
                "Has a doctor ever told you that you have an aneurysm (a ballooning blood "
                "vessel) in the brain, chest, abdomen, arms or legs?"
            ),
        ),
        _ynu(
            "ci_avm",
            N_(
                "Has a doctor ever told you that you have an arteriovenous malformation (an "
                "abnormal tangle of arteries and veins)?"
            ),
        ),
        _ynu(
            "ci_brain_bleed",
            N_("Have you ever had bleeding in the brain (for example a hemorrhagic stroke)?"),
        ),
        _ynu(
            "ci_ketamine_allergy",
            N_("Have you ever had an allergic reaction to ketamine or esketamine?"),
        ),
        _multi(
            "cardio_conditions",
            N_("Have you had any of these?"),
            (
                Choice("heart_attack", N_("Heart attack")),
                Choice("stroke_or_tia", N_("Stroke or mini-stroke (TIA)")),
                Choice("heart_failure", N_("Heart failure")),
                Choice("heart_valve_disease", N_("Heart valve disease")),
                Choice(
                    "irregular_heartbeat",
                    N_("Irregular heartbeat (for example atrial fibrillation)"),
                ),
                Choice("angina", N_("Angina (chest pain caused by the heart)")),
                Choice("none", N_("None of these")),
                Choice("unsure", N_("Not sure")),
            ),
            exclusive=("none", "unsure"),
            help=N_("Choose all that apply, or “None of these”, or “Not sure”."),
        ),
        _ynu(
            "brain_injury_or_pressure",
            N_(
                "Have you had a head injury with lasting symptoms, several head injuries or "
                "concussions, a brain tumor, or any condition that raises the pressure inside "
                "the skull?"
            ),
        ),
        _multi(
            "head_implants",
            N_("Do you have any metal or device in your head or neck?"),
            HEAD_IMPLANTS,
            exclusive=("none", "unsure"),
            help=N_(
                "Fillings, crowns, braces and jewelry you can take off do not count. Choose all "
                "that apply, or “None of these”, or “Not sure”."
            ),
            required_message=N_("Choose what you have, or “None of these”, or “Not sure”."),
            shown_if=OFFERS_TMS,
        ),
        _string(
            "head_implants_text",
            N_("What is it, and where?"),
            200,
            required=False,
            help=N_("Optional. Only if you chose a metal or device above."),
            shown_if=AnyOf(*(Contains("head_implants", value) for value in IMPLANT_VALUES)),
        ),
        _multi(
            "body_devices",
            N_("Do you have a pacemaker, a defibrillator or another implanted device?"),
            (
                Choice("pacemaker", N_("A pacemaker")),
                Choice("defibrillator_icd", N_("An implanted defibrillator (ICD)")),
                Choice("wearable_defibrillator", N_("A defibrillator vest you wear")),
                Choice("spinal_cord_stimulator", N_("A spinal cord stimulator")),
                Choice(
                    "medication_pump",
                    N_("An implanted medicine pump (for example for insulin or pain medicine)"),
                ),
                Choice("other", N_("Another implanted device")),
                Choice("none", N_("None of these")),
                Choice("unsure", N_("Not sure")),
            ),
            exclusive=("none", "unsure"),
            help=N_("Choose all that apply, or “None of these”, or “Not sure”."),
            required_message=N_("Choose what you have, or “None of these”, or “Not sure”."),
            shown_if=OFFERS_TMS,
        ),
        _multi(
            "seizure_history",
            N_("Have you ever had a seizure (a fit or convulsion)?"),
            SEIZURE_HISTORY,
            exclusive=("never", "unsure"),
            help=N_("Choose all that apply, or “Never”, or “Not sure”."),
            required_message=N_("Choose an answer, or “Never”, or “Not sure”."),
            shown_if=OFFERS_TMS_OR_ECT,
        ),
        _enum(
            "seizure_last",
            N_("When was the last one?"),
            (
                Choice("within_12_months", N_("In the past 12 months")),
                Choice("1_to_5_years_ago", N_("1 to 5 years ago")),
                Choice("over_5_years_ago", N_("More than 5 years ago")),
                Choice("unsure", N_("Not sure")),
            ),
            help=N_(
                "Only if you have had a seizure other than with a high fever as a young child "
                "or during ECT."
            ),
            shown_if=AnyOf(*(Contains("seizure_history", v) for v in SEIZURES_THAT_MATTER)),
        ),
        _ynu("glaucoma_or_eye_pressure", N_("Do you have glaucoma or high pressure in the eye?")),
        _ynu(
            "liver_disease",
            N_(
                "Do you have liver disease (for example cirrhosis, or hepatitis with liver damage)?"
            ),
        ),
        _ynu(
            "bladder_problems",
            N_("Do you have interstitial cystitis, or ongoing bladder pain or urinary problems?"),
        ),
        _ynu(
            "thyroid_overactive_untreated",
            N_("Do you have an overactive thyroid (hyperthyroidism) that is not being treated?"),
            required=False,
            shown_if=OFFERS_IV_KETAMINE,
        ),
        _ynu("memory_disorder", N_("Do you have dementia or a diagnosed memory disorder?")),
        _ynu(
            "psychosis_ever",
            N_(
                "Have you ever had psychosis — hearing or seeing things others did not, or "
                "strong beliefs that others said were not real?"
            ),
        ),
        _ynu(
            "psychosis_current",
            N_("Is that happening now (in the past month)?"),
            shown_if=In("psychosis_ever", ("yes", "unsure")),
        ),
        _ynu(
            "mania_ever",
            N_(
                "Have you ever been diagnosed with bipolar disorder, or had a period of mania "
                "or hypomania (days of unusually high or irritable mood, with little need for "
                "sleep)?"
            ),
        ),
        _ynu(
            "mania_current",
            N_("Is that happening now (in the past month)?"),
            shown_if=In("mania_ever", ("yes", "unsure")),
        ),
        _enum(
            "substance_problem_recent",
            N_(
                "In the past 3 months, has alcohol or drug use caused you problems or been "
                "hard to control?"
            ),
            (
                YES,
                NO,
                Choice("unsure", N_("Not sure")),
                Choice("prefer_not", N_("Prefer not to answer")),
            ),
        ),
        _enum(
            "ketamine_nonmedical_use",
            N_("Have you ever used ketamine (or PCP) other than as a prescribed treatment?"),
            (
                Choice("never", N_("Never")),
                Choice("over_12_months_ago", N_("Yes, more than 12 months ago")),
                Choice("within_12_months", N_("Yes, in the past 12 months")),
                Choice("prefer_not", N_("Prefer not to answer")),
            ),
        ),
    ),
)

MEDICAL_DETAILS = Step(
    name="medical_details",
    number=9,
    title=N_("Pregnancy, medicines and blood pressure"),
    items=(
        _enum(
            "pregnancy_applicable",
            N_("Could you be pregnant now, could you become pregnant, or are you breastfeeding?"),
            YES_NO,
        ),
        _ynu(
            "pregnant_now",
            N_("Are you pregnant now?"),
            shown_if=_yes("pregnancy_applicable"),
        ),
        _enum(
            "breastfeeding",
            N_("Are you breastfeeding?"),
            YES_NO,
            shown_if=_yes("pregnancy_applicable"),
        ),
        _ynu(
            "planning_pregnancy",
            N_("Are you planning a pregnancy in the next 6 months?"),
            required=False,
            shown_if=_yes("pregnancy_applicable"),
        ),
        _multi(
            "current_medications",
            N_("Which kinds of medicine do you take now?"),
            (
                Choice("antidepressant", N_("An antidepressant")),
                Choice(
                    "benzodiazepine",
                    N_("A benzodiazepine (for example lorazepam, alprazolam, clonazepam)"),
                ),
                Choice("sleep_medication", N_("A sleeping medicine (for example zolpidem)")),
                Choice("opioid", N_("An opioid painkiller (for example oxycodone, tramadol)")),
                Choice("stimulant", N_("A stimulant (for example methylphenidate, amphetamine)")),
                Choice(
                    "maoi",
                    N_("An MAOI (for example phenelzine, tranylcypromine, selegiline patch)"),
                ),
                Choice("lamotrigine", N_("Lamotrigine (Lamictal)")),
                Choice("lithium", N_("Lithium")),
                Choice("antipsychotic", N_("An antipsychotic")),
                Choice("other", N_("Another medicine")),
                Choice("none", N_("None")),
                Choice("unsure", N_("Not sure")),
            ),
            exclusive=("none", "unsure"),
            help=N_("Choose all that apply, or “None”, or “Not sure”."),
        ),
        _text(
            "current_medications_text",
            N_("List your medicines and doses (optional)"),
            1000,
        ),
        _ynu("hypertension_diagnosed", N_("Have you been told you have high blood pressure?")),
        _ynu(
            "hypertension_controlled",
            N_("Is it well controlled now?"),
            shown_if=_yes("hypertension_diagnosed"),
        ),
        _int(
            "bp_systolic",
            N_("Most recent blood pressure: top number"),
            60,
            260,
            required=False,
            unit="mmHg",
            noun=N_("the top number"),
            example="120",
            help=N_("Enter both numbers, or leave both blank."),
        ),
        _int(
            "bp_diastolic",
            N_("Bottom number"),
            30,
            160,
            required=False,
            unit="mmHg",
            noun=N_("the bottom number"),
            example="80",
        ),
        _enum(
            "bp_measured",
            N_("When was it measured?"),
            (
                Choice("within_1_month", N_("In the past month")),
                Choice("1_to_6_months", N_("1 to 6 months ago")),
                Choice("over_6_months", N_("More than 6 months ago")),
            ),
            help=N_("Only if you entered a blood pressure."),
            shown_if=AnyOf(Present("bp_systolic"), Present("bp_diastolic")),
            required_message=N_("Choose when your blood pressure was measured."),
        ),
        _decimal(
            "weight_kg",
            N_("Weight"),
            25,
            350,
            required=False,
            unit="kg",
            noun=N_("your weight"),
            example=N_("70 kg or 154 lb"),
        ),
        _enum(
            "weight_unit",
            N_("Weight unit"),
            (Choice("kg", N_("kg")), Choice("lb", N_("lb"))),
            required=False,
            widget="part",
            shown_if=Present("weight_kg"),
        ),
        _int(
            "height_cm",
            N_("Height"),
            100,
            250,
            required=False,
            unit="cm",
            noun=N_("your height"),
            example="170",
        ),
        _enum(
            "height_unit",
            N_("Height unit"),
            (Choice("cm", N_("cm")), Choice("ft_in", N_("feet and inches"))),
            required=False,
            widget="part",
            shown_if=Present("height_cm"),
        ),
    ),
)

LOGISTICS_CONSENT = Step(
    name="logistics_consent",
    number=10,
    title=N_("Getting here, and consent"),
    items=(
        _ynu(
            "transport_home",
            N_(
                "After each treatment you cannot drive until the next day, after a restful "
                "sleep. Can someone take you home every time?"
            ),
            shown_if=OFFERS_NO_DRIVING,
        ),
        _ynu(
            "can_attend_induction",
            N_(
                "The first month usually means two visits a week (nasal esketamine) or "
                "several infusions over 1 to 2 weeks (IV ketamine), each about 2 hours plus "
                "travel. Could you manage that?"
            ),
            shown_if=OFFERS_KETAMINE,
        ),
        _ynu(
            "can_attend_tms_schedule",
            N_(
                "TMS usually means a visit every weekday for 4 to 6 weeks (about 20 to 36 "
                "visits, from a few minutes to about 40 minutes each). Could you manage that?"
            ),
            shown_if=OFFERS_TMS,
        ),
        _enum(
            "insurance_type",
            N_("How would you pay for treatment?"),
            INSURANCE_TYPES,
            required=False,
            widget="radio",
            help=N_("Optional. It helps us check what your insurance asks for."),
        ),
        _string(
            "insurance_plan_name",
            N_("Name of your insurance plan"),
            100,
            required=False,
            help=N_("Optional, if you have insurance. For example, the name on your card."),
            shown_if=In(
                "insurance_type",
                tuple(c.value for c in INSURANCE_TYPES if c.value not in ("self_pay", "unsure")),
            ),
        ),
        _enum(
            "referral_source",
            N_("How did you hear about us?"),
            (
                Choice("self", N_("I found you myself")),
                Choice("psychiatrist", N_("My psychiatrist")),
                Choice("therapist", N_("My therapist")),
                Choice("primary_care", N_("My family doctor")),
                Choice("other", N_("Somewhere else")),
            ),
            required=False,
        ),
        _tick(
            "consent_privacy",
            N_(
                "I have read the privacy notice and agree to my answers being stored and "
                "reviewed by clinic staff"
            ),
            N_("Tick the box to agree to the privacy notice. We cannot screen you without it."),
        ),
        _tick(
            "consent_contact",
            N_("I agree to be contacted about my screening"),
            N_("Tick the box to agree to be contacted. We cannot screen you without it."),
        ),
    ),
)

STEPS: tuple[Step, ...] = (
    ABOUT_YOU,
    SEEKING_HELP,
    DEPRESSION_HISTORY,
    MEDICATIONS,
    OTHER_TREATMENTS,
    CURRENT_SYMPTOMS,
    SAFETY,
    SAFETY_NOW,
    HEALTH,
    MEDICAL_DETAILS,
    LOGISTICS_CONSENT,
)


def _index() -> tuple[dict[str, Item], dict[str, Group], dict[str, Step]]:
    items: dict[str, Item] = {}
    groups: dict[str, Group] = {}
    owners: dict[str, Step] = {}
    for step in STEPS:
        for element in step.items:
            owners[element.name] = step
            if isinstance(element, Group):
                groups[element.name] = element
                for sub in element.items:
                    items[f"{element.name}.{sub.name}"] = sub
            else:
                items[element.name] = element
    return items, groups, owners


ALL_ITEMS, GROUPS, _OWNER = _index()
"""``ALL_ITEMS``: name -> Item, group sub-items as ``"medication_trials.drug"``."""

FIELD_NAMES: frozenset[str] = frozenset(_OWNER)
"""Every top-level key an answers document may hold."""

_STEP_BY_NAME = {step.name: step for step in STEPS}


def step_by_name(name: str) -> Step | None:
    """The step called ``name``, if any."""
    return _STEP_BY_NAME.get(name)


def step_for_field(name: str) -> Step | None:
    """The step that asks the top-level field ``name`` (a group name counts), if any."""
    return _OWNER.get(name.split("-", 1)[0].split(".", 1)[0])


def element_for(name: str) -> Element | None:
    """The top-level item or group called ``name``, if any."""
    step = _OWNER.get(name)
    return step.element(name) if step else None


QUESTIONNAIRE_VERSION = hashlib.sha256(repr(STEPS).encode()).hexdigest()[:12]
"""Changes whenever any step, item, choice, label or condition changes."""
