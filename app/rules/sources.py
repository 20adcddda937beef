"""Source tags of clinical-rules.md §9 and the citation each stands for."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

SPRAVATO_PI: Final = "SPRAVATO-PI"
REMS: Final = "REMS"
SANACORA: Final = "SANACORA"
COHEN_2018: Final = "COHEN-2018"
ATRQ: Final = "ATRQ"
ATHF: Final = "ATHF"
MSM: Final = "MSM"
LABELS: Final = "LABELS"
PHQ9: Final = "PHQ9"
PHQ9_ITEM9: Final = "PHQ9-ITEM9"
GAD7: Final = "GAD7"
PCL5: Final = "PCL5"
ASQ: Final = "ASQ"
ASQ_CONSERVATIVE: Final = "ASQ-CONSERVATIVE"
CRISIS_988: Final = "988"
ACC_AHA: Final = "ACC-AHA"
TMS_CONSENSUS: Final = "TMS-CONSENSUS"
CBT_GUIDE: Final = "CBT-GUIDE"
INTERACTIONS: Final = "INTERACTIONS"
BIPOLAR: Final = "BIPOLAR"
CLINICS: Final = "CLINICS"
SEED: Final = "SEED"
NONE: Final = "NONE"

CITATIONS: Final = MappingProxyType[str, str](
    {
        SPRAVATO_PI: (
            "SPRAVATO (esketamine) US prescribing information and Medication Guide, Janssen"
        ),
        REMS: (
            "FDA Approved REMS page for SPRAVATO; SPRAVATO REMS Patient Monitoring Form and"
            " outpatient setting requirements"
        ),
        SANACORA: (
            "Sanacora G et al., APA Council of Research, JAMA Psychiatry 2017;74(4):399-405"
        ),
        COHEN_2018: (
            "Cohen SP et al., ASRA/AAPM/ASA consensus guidelines on IV ketamine for chronic"
            " pain, Reg Anesth Pain Med 2018;43(5):521-546"
        ),
        ATRQ: (
            "Chandler GM et al., validation of the MGH ATRQ, CNS Neurosci Ther 2010;16(5):322-325"
        ),
        ATHF: (
            "Sackeim HA 2001; Oquendo MA 2003; Sackeim HA et al. ATHF-SF 2019 and ATHF-SF2 2024"
            " (J Psychiatr Res)"
        ),
        MSM: (
            "Fekadu A, Donocik JG, Cleare AJ, BMC Psychiatry 2018;18:100 (Table 3);"
            " Fekadu A et al., J Clin Psychiatry 2009"
        ),
        LABELS: (
            "US prescribing information of each antidepressant; Drugs.com dosage monographs for"
            " duloxetine, nortriptyline, phenelzine, trazodone"
        ),
        PHQ9: "Kroenke K, Spitzer RL, Williams JBW, J Gen Intern Med 2001;16(9):606-613",
        PHQ9_ITEM9: "Simon GE et al., Psychiatr Serv 2013; Louzon SA et al., Psychiatr Serv 2016",
        GAD7: "Spitzer RL et al., Arch Intern Med 2006;166:1092-1097",
        PCL5: (
            "National Center for PTSD PCL-5 material; Comorbidity Guidelines PCL-5 scoring page"
        ),
        ASQ: "NIMH Ask Suicide-Screening Questions toolkit",
        ASQ_CONSERVATIVE: (
            "NIMH Ask Suicide-Screening Questions toolkit (conservative choice of this rule set)"
        ),
        CRISIS_988: "988 Suicide & Crisis Lifeline (SAMHSA)",
        ACC_AHA: "Whelton PK et al., 2017 ACC/AHA high blood pressure guideline",
        TMS_CONSENSUS: (
            "Perera T et al., Clinical TMS Society consensus, Brain Stimul 2016;9(3):336-346"
        ),
        CBT_GUIDE: (
            "Clinical practice guideline table of CBT session counts (PMC7001356); NICE CG90"
        ),
        INTERACTIONS: (
            "Andrade C, J Clin Psychiatry 2017; Andrashko V et al., Front Psychiatry 2020;11:844"
        ),
        BIPOLAR: "Diazgranados N et al. 2010 (PMC3000408); ATHF-SF bipolar criteria",
        CLINICS: (
            "Toronto Ketamine Clinic; CRTCE; OKIC (NCT07099235); Mindspace; Ketamine KC;"
            " Parikh SV et al. 2021 primer"
        ),
        # The clinic article the product started from is not evidence: staff see only that the
        # point is the clinic's own policy (issue 15, part 8).
        SEED: "Clinic policy",
        NONE: "No external source (administrative check)",
    }
)


def cite(*tags: str) -> str:
    """Return the full citations of the given tags, joined with "; " in the given order."""
    return "; ".join(CITATIONS[tag] for tag in tags)
