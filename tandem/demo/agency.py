"""The invented organizations: departments, units, job titles, sites and time zones."""

from dataclasses import dataclass

AGENCY_NAME = "City of Harbourview"
AGENCY_SLUG = "city-of-harbourview"
AGENCY_DOMAIN = "harbourview.gov"
AGENCY_TIME_ZONE = "America/Los_Angeles"

ASSOCIATION_NAME = "Cascadia Public Technology Association"
ASSOCIATION_SLUG = "cascadia-public-technology"
ASSOCIATION_DOMAIN = "cascadiapta.org"

DEMO_SLUGS = (AGENCY_SLUG, ASSOCIATION_SLUG)
HEAD_TITLE = "City Manager"


@dataclass(frozen=True)
class StaffRole:
    """A job title held by people without reports."""

    title: str
    # Graded titles carry a level (I, II, Senior) that grows with years of service.
    graded: bool
    technical: bool


@dataclass(frozen=True)
class Unit:
    """A division inside a department, with the jobs its staff hold."""

    name: str
    roles: tuple[StaffRole, ...]
    # Where the unit works, when that differs from the department's usual sites.
    sites: tuple[str, ...] = ()


@dataclass(frozen=True)
class DepartmentSpec:
    """A department: its size relative to the others, its people's titles and where they work."""

    name: str
    weight: int
    director: str
    # Titles of people with reports by depth below the director: division, section, crew.
    manager_titles: tuple[str, str, str]
    units: tuple[Unit, ...]
    sites: tuple[str, ...]
    # Share of people working remotely; crews, stations and patrol cannot.
    remote_share: float
    # Share of women, which in city government varies a lot between departments.
    women_share: float


def _unit(name: str, roles: str, *sites: str) -> Unit:
    """Build a unit from "Title*+; Title" where * marks a graded and + a technical role."""
    parsed = []
    for raw in roles.split(";"):
        marks = raw.strip()
        title = marks.rstrip("*+")
        parsed.append(StaffRole(title, "*" in marks[len(title) :], "+" in marks[len(title) :]))
    return Unit(name, tuple(parsed), sites)


CITY_HALL = "City Hall"
ANNEX = "Civic Center Annex"
YARD = "Northshore Operations Yard"
PLANT = "Harbour Point Treatment Plant"
SAFETY = "Public Safety Building"
EASTSIDE = "Eastside Service Center"
LIBRARY = "Central Library"
REMOTE = "Remote"

OFFICE_MANAGERS = ("{unit} Division Manager", "{unit} Manager", "{unit} Supervisor")

DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        name="Office of the City Manager",
        weight=3,
        director="Assistant City Manager",
        manager_titles=OFFICE_MANAGERS,
        units=(
            _unit("Executive Office", "Executive Assistant*; Management Analyst*"),
            _unit("Communications", "Communications Specialist*; Public Information Officer"),
            _unit("Policy and Intergovernmental Affairs", "Policy Analyst*; Legislative Analyst"),
            _unit("Equity and Inclusion", "Equity Program Coordinator*; Language Access Lead"),
            _unit("Performance and Data", "Performance Analyst*+; Data Scientist+"),
        ),
        sites=(CITY_HALL,),
        women_share=0.6,
        remote_share=0.1,
    ),
    DepartmentSpec(
        name="Finance",
        weight=6,
        director="Finance Director",
        manager_titles=OFFICE_MANAGERS,
        units=(
            _unit("Accounting", "Accountant*; Accounts Payable Technician*"),
            _unit("Budget", "Budget Analyst*"),
            _unit("Treasury", "Treasury Analyst*; Revenue Collector"),
            _unit("Procurement", "Buyer*; Contract Specialist*"),
            _unit("Payroll", "Payroll Specialist*"),
            _unit("Financial Systems", "ERP Analyst*+; Financial Data Analyst+"),
        ),
        sites=(CITY_HALL, ANNEX),
        women_share=0.62,
        remote_share=0.15,
    ),
    DepartmentSpec(
        name="Human Resources",
        weight=4,
        director="Human Resources Director",
        manager_titles=OFFICE_MANAGERS,
        units=(
            _unit(
                "Learning and Organizational Development",
                "Training Coordinator*; Organizational Development Specialist*",
            ),
            _unit("Recruitment", "Recruiter*; HR Assistant"),
            _unit("Benefits", "Benefits Specialist*"),
            _unit("Labor Relations", "Labor Relations Specialist*"),
            _unit("HR Information Systems", "HRIS Analyst*+"),
            _unit("Classification and Compensation", "Compensation Analyst*"),
        ),
        sites=(CITY_HALL, ANNEX),
        women_share=0.75,
        remote_share=0.15,
    ),
    DepartmentSpec(
        name="Information Technology",
        weight=7,
        director="Chief Information Officer",
        manager_titles=("{unit} Division Manager", "{unit} Manager", "{unit} Team Lead"),
        units=(
            _unit(
                "Application Development",
                "Software Engineer*+; Quality Assurance Engineer*+; Business Analyst*",
            ),
            _unit("Infrastructure", "Systems Administrator*+; Network Engineer*+; Cloud Engineer+"),
            _unit("Service Desk", "Service Desk Technician*+; Desktop Support Specialist+"),
            _unit("Cybersecurity", "Security Analyst*+; Security Engineer+"),
            _unit("GIS", "GIS Analyst*+; GIS Developer+"),
            _unit("Data and Analytics", "Data Engineer*+; Data Analyst*+"),
            _unit("Digital Services", "Product Manager+; UX Designer*+; Content Designer"),
        ),
        sites=(ANNEX, CITY_HALL),
        women_share=0.33,
        remote_share=0.3,
    ),
    DepartmentSpec(
        name="Public Works",
        weight=15,
        director="Public Works Director",
        manager_titles=(
            "{unit} Division Manager",
            "{unit} Superintendent",
            "{unit} Crew Supervisor",
        ),
        units=(
            _unit(
                "Engineering",
                "Civil Engineer*+; Engineering Technician*+; Construction Inspector*",
            ),
            _unit("Streets", "Maintenance Worker*; Equipment Operator*; Streets Inspector", YARD),
            _unit("Fleet", "Fleet Mechanic*; Parts Specialist", YARD),
            _unit("Facilities", "Facilities Technician*; Electrician*; Custodian"),
            _unit("Solid Waste", "Solid Waste Driver*; Recycling Coordinator", YARD, EASTSIDE),
            _unit("Capital Projects", "Project Manager*+; Project Engineer*+"),
        ),
        sites=(YARD, CITY_HALL, EASTSIDE),
        women_share=0.22,
        remote_share=0.02,
    ),
    DepartmentSpec(
        name="Water and Utilities",
        weight=10,
        director="Utilities Director",
        manager_titles=("{unit} Division Manager", "{unit} Superintendent", "{unit} Supervisor"),
        units=(
            _unit("Water Treatment", "Water Treatment Operator*+; Laboratory Chemist*+", PLANT),
            _unit("Wastewater", "Wastewater Operator*+; Pretreatment Inspector", PLANT),
            _unit("Distribution", "Utility Worker*; Meter Technician*", YARD),
            _unit("Utility Engineering", "Utility Engineer*+; SCADA Technician*+"),
            _unit(
                "Customer Service", "Customer Service Representative*; Billing Specialist*", ANNEX
            ),
            _unit(
                "Environmental Compliance",
                "Environmental Compliance Inspector*; Stormwater Specialist*+",
            ),
        ),
        sites=(PLANT, YARD, ANNEX),
        women_share=0.28,
        remote_share=0.03,
    ),
    DepartmentSpec(
        name="Planning and Development",
        weight=7,
        director="Director of Planning and Development",
        manager_titles=OFFICE_MANAGERS,
        units=(
            _unit("Current Planning", "Planner*; Planning Technician*"),
            _unit("Long-Range Planning", "Planner*; Urban Designer+"),
            _unit("Building Permits", "Permit Technician*; Plans Examiner*+; Building Inspector*"),
            _unit("Code Enforcement", "Code Enforcement Officer*"),
            _unit("Economic Development", "Economic Development Specialist*"),
            _unit("Housing", "Housing Program Specialist*; Housing Data Analyst+"),
        ),
        sites=(CITY_HALL, ANNEX, EASTSIDE),
        women_share=0.52,
        remote_share=0.12,
    ),
    DepartmentSpec(
        name="Parks, Recreation and Libraries",
        weight=12,
        director="Director of Parks, Recreation and Libraries",
        manager_titles=("{unit} Division Manager", "{unit} Manager", "{unit} Supervisor"),
        units=(
            _unit(
                "Parks Maintenance",
                "Park Maintenance Worker*; Arborist*; Irrigation Technician",
                YARD,
            ),
            _unit("Recreation", "Recreation Coordinator*; Recreation Leader*", EASTSIDE),
            _unit("Aquatics", "Lifeguard; Aquatics Coordinator", EASTSIDE),
            _unit(
                "Libraries", "Librarian*; Library Assistant*; Digital Services Librarian+", LIBRARY
            ),
            _unit("Community Centers", "Community Center Coordinator*", EASTSIDE),
            _unit("Special Events", "Events Coordinator*"),
        ),
        sites=(LIBRARY, EASTSIDE, YARD, CITY_HALL),
        women_share=0.55,
        remote_share=0.03,
    ),
    DepartmentSpec(
        name="Fire and Emergency Services",
        weight=12,
        director="Fire Chief",
        manager_titles=("Deputy Fire Chief, {unit}", "Battalion Chief, {unit}", "Fire Captain"),
        units=(
            _unit("Operations", "Firefighter*; Fire Engineer; Firefighter Paramedic"),
            _unit("Fire Prevention", "Fire Inspector*; Fire Protection Engineer+"),
            _unit("Emergency Management", "Emergency Management Coordinator*"),
            _unit("Emergency Medical Services", "Paramedic*; EMS Coordinator"),
            _unit("Training", "Training Specialist*"),
        ),
        sites=(SAFETY, EASTSIDE),
        women_share=0.14,
        remote_share=0.0,
    ),
    DepartmentSpec(
        name="Police",
        weight=15,
        director="Chief of Police",
        manager_titles=("Police Captain, {unit}", "Police Lieutenant, {unit}", "Police Sergeant"),
        units=(
            _unit("Patrol", "Police Officer*; Community Service Officer*"),
            _unit("Investigations", "Detective; Evidence Technician*+"),
            _unit("Records", "Police Records Specialist*; Public Records Officer"),
            _unit("Crime Analysis", "Crime Analyst*+; Police Data Analyst+"),
            _unit("Emergency Communications", "Emergency Dispatcher*"),
            _unit("Community Policing", "Police Officer*; Community Outreach Specialist"),
        ),
        sites=(SAFETY, EASTSIDE),
        women_share=0.27,
        remote_share=0.01,
    ),
    DepartmentSpec(
        name="Transportation",
        weight=8,
        director="Director of Transportation",
        manager_titles=("{unit} Division Manager", "{unit} Manager", "{unit} Supervisor"),
        units=(
            _unit(
                "Traffic Engineering",
                "Traffic Engineer*+; Traffic Signal Technician*+",
                ANNEX,
                YARD,
            ),
            _unit("Transit Planning", "Transportation Planner*+"),
            _unit(
                "Parking Services", "Parking Enforcement Officer*; Parking Operations Specialist"
            ),
            _unit("Active Transportation", "Active Transportation Planner*+"),
            _unit("Signs and Markings", "Signs and Markings Technician*", YARD),
        ),
        sites=(YARD, CITY_HALL, ANNEX),
        women_share=0.38,
        remote_share=0.08,
    ),
)

# Departments the demo personas are placed in; the generator relies on these names.
HR_DEPARTMENT = "Human Resources"
IT_DEPARTMENT = "Information Technology"
ENGINEERING_DEPARTMENT = "Public Works"

# Remote staff mostly live nearby, but some moved away and kept their job.
REMOTE_TIME_ZONES: tuple[tuple[str, int], ...] = (
    (AGENCY_TIME_ZONE, 55),
    ("America/Vancouver", 8),
    ("America/Denver", 9),
    ("America/Phoenix", 6),
    ("America/Boise", 3),
    ("America/Chicago", 8),
    ("America/New_York", 7),
    ("Pacific/Honolulu", 2),
    ("America/Anchorage", 2),
)

# (location, time zone, weight); remote members get a time zone from REMOTE_TIME_ZONES.
ASSOCIATION_LOCATIONS: tuple[tuple[str, str, int], ...] = (
    ("Seattle", "America/Los_Angeles", 30),
    ("Tacoma", "America/Los_Angeles", 10),
    ("Portland", "America/Los_Angeles", 20),
    ("Vancouver, BC", "America/Vancouver", 15),
    ("Spokane", "America/Los_Angeles", 5),
    ("Boise", "America/Boise", 5),
    ("Eugene", "America/Los_Angeles", 5),
    (REMOTE, "", 10),
)

ASSOCIATION_TITLES: tuple[tuple[str, int], ...] = (
    ("Member", 80),
    ("Chapter Volunteer", 10),
    ("Committee Member", 7),
    ("Board Member", 3),
)
ASSOCIATION_LEAD_TITLE = "Executive Director"
ASSOCIATION_STAFF_TITLE = "Program Coordinator"

# Association members work elsewhere; their profiles mention where and as what.
ASSOCIATION_EMPLOYERS: tuple[str, ...] = (
    "a county health department",
    "the state transportation agency",
    "a regional transit authority",
    "the port authority",
    "a large school district",
    "a public utility district",
    "the state department of revenue",
    "a university IT office",
    "a civic tech nonprofit",
    "a small consultancy that works with cities",
    "the county elections office",
    "a state workforce agency",
)
ASSOCIATION_JOBS: tuple[str, ...] = (
    "data engineer",
    "GIS analyst",
    "software developer",
    "IT project manager",
    "security analyst",
    "systems engineer",
    "product manager",
    "database administrator",
    "UX researcher",
    "enterprise architect",
    "cloud engineer",
    "IT director",
)
