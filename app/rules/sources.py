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
# Issue 21 (clinical-pathways.md §5.7).
TMS_510K: Final = "TMS-510K"
TMS_LABEL: Final = "TMS-LABEL"
IFCN: Final = "IFCN"
IFCN_2021: Final = "IFCN-2021"
LCD: Final = "LCD"
LCD_NOVITAS: Final = "LCD-NOVITAS"
LCD_NORIDIAN: Final = "LCD-NORIDIAN-A55904"
AETNA_0469: Final = "AETNA-0469"
AETNA_2016: Final = "AETNA-2016"
UHC: Final = "UHC"
CENTENE: Final = "CENTENE"
CIGNA: Final = "CIGNA"
EVICORE: Final = "EVICORE"
CAREFIRST: Final = "CAREFIRST"
QUALCHOICE: Final = "QUALCHOICE"
WESTERN: Final = "WESTERN"
BCBSND: Final = "BCBSND"
RX501: Final = "RX501"
KETALAR: Final = "KETALAR"
KETALAR_CH: Final = "KETALAR-CH"
ASKP3: Final = "ASKP3"
KELLNER_2020: Final = "KELLNER-2020"
KELLNER_2005: Final = "KELLNER-2005"
APA_ECT_2001: Final = "APA-ECT-2001"
RECALLED: Final = "R"

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
        TMS_510K: (
            "FDA 510(k) K083538, K133408, K220127, K231926 (NeuroStar TMS); product code OBP"
        ),
        TMS_LABEL: (
            "NeuroStar TMS contraindication text (conductive, ferromagnetic or magnetic-sensitive"
            " metal within 30 cm of the coil; caution with physiologically controlled devices)"
        ),
        IFCN: "IFCN TMS safety guidance (summary, depression.wustl.edu)",
        IFCN_2021: (
            "Rossi S et al. 2021 (IFCN), as summarised by Tendler A, Roth Y, Hanlon CA,"
            " J Clin Psychiatry 2023;84(4):23l14857"
        ),
        LCD: (
            "Medicare LCDs L34998 (Novitas), L34522 (First Coast), L33398, L34641 (Noridian),"
            " L37086 (cms.gov headers; criteria from summaries and recollection, not verified)"
        ),
        LCD_NOVITAS: "Medicare LCD L34998 / L34522 rev. 12/11/2022 (summary)",
        LCD_NORIDIAN: (
            "Noridian response to comments on rTMS, A55904 (comment period to 04/10/2017)"
        ),
        AETNA_0469: "Aetna Clinical Policy Bulletin 0469, TMS (2026 summaries)",
        AETNA_2016: "Aetna CPB 0469 criteria of 2016 (text reprinted by BrainsWay)",
        UHC: "UnitedHealthcare/Optum TMS criteria (clinic summary); Optum CDG BHCDG852016",
        CENTENE: "Centene CP.BH.200 (Ambetter) summaries; Centene CP.MP.172 (2018)",
        CIGNA: "Cigna Psychiatry - Spravato prior-authorization policy (summaries)",
        EVICORE: "eviCore Spravato prior-authorization criteria (summaries)",
        CAREFIRST: "CareFirst (Caremark) Spravato prior-authorization criteria (summary)",
        QUALCHOICE: "QualChoice Spravato policy BI734 and TMS policy BI439",
        WESTERN: "Western Health Advantage Spravato policy",
        BCBSND: "BCBS North Dakota Spravato policy",
        RX501: "RX501.105 Spravato policy of a BCBS plan (summary)",
        KETALAR: "Ketalar (ketamine) UK SmPC, MHRA 2019, Pfizer",
        KETALAR_CH: "Ketalar Swiss Fachinformation (oddb.org)",
        ASKP3: "ASKP3 Standards of Practice 2020; Pledge Program basics (osmind.org 2025)",
        KELLNER_2020: "Kellner CH, Obbels J, Sienaert P, Acta Psychiatr Scand 2020",
        KELLNER_2005: "Kellner CH et al., Am J Psychiatry 2005;162:977",
        APA_ECT_2001: ("APA Task Force, The Practice of ECT, 2nd ed., 2001 (recalled, not read)"),
        RECALLED: "Recalled by the draft's authors, not verified against a source",
    }
)


def cite(*tags: str) -> str:
    """Return the full citations of the given tags, joined with "; " in the given order."""
    return "; ".join(CITATIONS[tag] for tag in tags)
