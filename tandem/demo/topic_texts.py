"""Per-topic phrases that profiles are written from, keyed by the default vocabulary's slugs.

`wants` complete "I want to …", `offers` complete "I can help you …", and `stories` are
whole sentences a mentor might tell about their own experience.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicText:
    """The phrases one topic contributes to goals and offers."""

    wants: tuple[str, ...]
    offers: tuple[str, ...]
    stories: tuple[str, ...] = ()


TOPIC_TEXTS: dict[str, TopicText] = {
    "career-planning": TopicText(
        wants=(
            "figure out whether I want to specialize or move toward management",
            "sketch a realistic three-year plan instead of just reacting to openings",
            "understand which paths exist beyond my current job series",
        ),
        offers=(
            "map out the options you have not considered yet",
            "turn a vague sense of wanting more into a concrete next step",
        ),
        stories=(
            "I have changed direction twice, and both times a conversation started it.",
            "Nobody handed me a career plan; I pieced mine together from people willing to talk.",
        ),
    ),
    "promotion-readiness": TopicText(
        wants=(
            "get ready for the senior position that is likely to open next year",
            "find out what the promotion panel actually looks for",
            "close the gaps my last review pointed out before I apply again",
        ),
        offers=(
            "prepare for a promotion panel and practice the hard questions",
            "read a job announcement the way the hiring manager reads it",
        ),
        stories=("I have sat on more promotion panels than I can count.",),
    ),
    "changing-careers": TopicText(
        wants=(
            "move from field work into an office role without starting from zero",
            "test whether a switch into a technical job is realistic for me",
            "translate what I did in my previous career into terms the city understands",
        ),
        offers=(
            "work out which of your skills carry over and which you need to build",
            "plan a career change in small, low-risk steps",
        ),
        stories=(
            "I came to public service after eleven years in retail management.",
            "My first career was in the military, and the move to civilian work took a while.",
        ),
    ),
    "job-search-and-interviewing": TopicText(
        wants=(
            "stop freezing up in structured interviews",
            "write an application that gets past the first screening",
            "prepare for interviews with a panel instead of a single manager",
        ),
        offers=(
            "rehearse interviews and tighten your answers",
            "rewrite a résumé so that the results stand out",
        ),
    ),
    "salary-negotiation": TopicText(
        wants=(
            "understand how step placement works and whether it can be negotiated",
            "go into my next offer conversation knowing what to ask for",
        ),
        offers=(
            "understand pay scales, steps and what is actually negotiable",
            "prepare for an offer conversation without underselling yourself",
        ),
    ),
    "first-year-in-the-organization": TopicText(
        wants=(
            "get through my first year without missing the unwritten rules",
            "learn how decisions really get made here",
            "build a few relationships outside my own team early on",
            "understand how my work connects to the rest of the city",
        ),
        offers=(
            "decode the acronyms, the calendar and the unwritten rules",
            "get your bearings in the first months and avoid the usual surprises",
        ),
        stories=(
            "I still remember how lost I felt in my first budget season.",
            "My own first year was bumpy; a colleague two floors up made all the difference.",
        ),
    ),
    "navigating-the-organization": TopicText(
        wants=(
            "understand who I need on board before a proposal goes anywhere",
            "get things done across departments without stepping on toes",
            "make sense of how council priorities turn into our work plans",
        ),
        offers=(
            "figure out who to talk to, and in which order",
            "work across departments that have competing priorities",
        ),
        stories=(
            "I have worked in four departments and know most of the shortcuts, and some dead ends.",
        ),
    ),
    "leadership": TopicText(
        wants=(
            "grow into a leadership role before I have the title",
            "lead a team through a reorganization without losing people",
            "find my own leadership style instead of copying my old boss",
        ),
        offers=(
            "think through a leadership challenge before you act on it",
            "find a leadership style that fits who you are",
        ),
        stories=(
            "I have led teams of four and teams of two hundred, and the hard parts were the same.",
        ),
    ),
    "first-time-management": TopicText(
        wants=(
            "handle my first year as a supervisor of people who used to be my peers",
            "learn to run one-on-ones that are actually useful",
            "deal with a performance problem on my team the right way",
        ),
        offers=(
            "get through the first year of managing people",
            "handle a performance conversation you have been dreading",
        ),
        stories=(
            "I was promoted over my friends once, and I made most of the mistakes you can make.",
        ),
    ),
    "managing-up": TopicText(
        wants=(
            "work better with a manager whose style is very different from mine",
            "get my manager's attention on the issues that matter to my team",
        ),
        offers=(
            "build a better working relationship with your manager",
            "raise a concern upward without it backfiring",
        ),
    ),
    "giving-and-receiving-feedback": TopicText(
        wants=(
            "give direct feedback without feeling like the bad guy",
            "take criticism without getting defensive in the moment",
            "have the difficult conversation I have been avoiding for months",
        ),
        offers=(
            "plan and practice a hard conversation",
            "give feedback that is clear and still kind",
        ),
    ),
    "delegation": TopicText(
        wants=(
            "stop doing my team's work for them",
            "hand off projects without checking on them every hour",
        ),
        offers=(
            "decide what to hand off and how to let go of it",
            "delegate without losing track of quality",
        ),
    ),
    "building-a-team": TopicText(
        wants=(
            "hire well for the two positions I am about to fill",
            "build a team culture in a group that was thrown together",
        ),
        offers=(
            "write a job posting, run interviews and onboard new people well",
            "build trust in a team that was put together in a hurry",
        ),
        stories=("I built my current team from three people to fourteen.",),
    ),
    "strategic-thinking": TopicText(
        wants=(
            "step back from day-to-day firefighting and think about the next five years",
            "connect my unit's work to the city's strategic plan",
        ),
        offers=(
            "step back from the daily work and see the bigger picture",
            "turn a strategic plan into choices about what not to do",
        ),
    ),
    "public-speaking": TopicText(
        wants=(
            "present to council without my voice shaking",
            "get comfortable speaking at community meetings",
            "give a briefing that people remember for the right reasons",
        ),
        offers=(
            "prepare and rehearse a presentation until it feels natural",
            "handle hostile questions at a public meeting",
        ),
        stories=(
            "I used to dread speaking at council; now it is the part of my job I enjoy most.",
        ),
    ),
    "writing-for-work": TopicText(
        wants=(
            "write staff reports that decision makers actually read",
            "write shorter, clearer emails",
            "turn technical findings into plain language",
        ),
        offers=(
            "make a staff report shorter and clearer",
            "write for readers who have five minutes, not fifty",
        ),
    ),
    "networking": TopicText(
        wants=(
            "build a network beyond my own department",
            "get to know people in other agencies who do similar work",
            "feel less awkward reaching out to people I don't know",
        ),
        offers=(
            "meet the right people without it feeling transactional",
            "make the first approach to someone you admire",
        ),
    ),
    "influencing-without-authority": TopicText(
        wants=(
            "get buy-in for ideas from people who don't report to me",
            "move a cross-department project forward when nobody is in charge",
        ),
        offers=(
            "win support for an idea from people you do not manage",
            "lead a cross-department effort where nobody reports to you",
        ),
    ),
    "negotiation": TopicText(
        wants=(
            "negotiate with vendors and partner agencies with more confidence",
            "prepare better for negotiations over shared resources",
        ),
        offers=(
            "prepare a negotiation and know where your limits are",
            "negotiate with partners you will keep working with",
        ),
    ),
    "personal-brand-and-visibility": TopicText(
        wants=(
            "make my work visible without feeling like I am bragging",
            "be known for something specific across the organization",
        ),
        offers=(
            "make your work visible to the people who decide on opportunities",
            "talk about your results without feeling like you are bragging",
        ),
    ),
    "project-management": TopicText(
        wants=(
            "run my first large project without it running me",
            "keep a project on schedule when the scope keeps changing",
            "get my project management certification and actually use what I learn",
        ),
        offers=(
            "plan a project, keep it on track and recover when it slips",
            "manage scope creep and stakeholders who keep changing their minds",
        ),
        stories=(
            "I have delivered many projects and one disaster; the disaster taught me the most.",
        ),
    ),
    "program-management": TopicText(
        wants=(
            "move from managing single projects to running a whole program",
            "keep several related projects pointed at the same outcome",
        ),
        offers=(
            "coordinate several projects toward one outcome",
            "report on a program to leadership in a way that helps them decide",
        ),
    ),
    "budgeting-and-finance": TopicText(
        wants=(
            "understand the budget process well enough to argue for my unit",
            "read a financial report without feeling lost",
            "build a budget request that survives the review",
        ),
        offers=(
            "understand the budget cycle and how to make your case in it",
            "read financial reports and find the questions worth asking",
        ),
        stories=("I have been through fifteen budget cycles, including two years of deep cuts.",),
    ),
    "grant-writing": TopicText(
        wants=(
            "write my first federal grant application",
            "find grants that fit our programs and apply for them well",
        ),
        offers=(
            "find the right grants and write a competitive application",
            "manage reporting once the grant is won",
        ),
    ),
    "procurement-and-contracting": TopicText(
        wants=(
            "understand the procurement rules before I run my first solicitation",
            "write a scope of work that gets us what we actually need",
        ),
        offers=(
            "write a scope of work and get through procurement without surprises",
            "manage a contractor who is not delivering",
        ),
    ),
    "policy-analysis": TopicText(
        wants=(
            "get better at turning data and research into policy options",
            "write policy recommendations that hold up under scrutiny",
        ),
        offers=(
            "frame policy options and their trade-offs honestly",
            "turn research into a recommendation decision makers can use",
        ),
    ),
    "working-with-elected-officials": TopicText(
        wants=(
            "brief council members and their staff with confidence",
            "stay neutral and useful when an issue becomes political",
        ),
        offers=(
            "brief elected officials and their staff",
            "stay professional when an issue gets political",
        ),
        stories=("I have staffed council committees for most of my career.",),
    ),
    "public-engagement": TopicText(
        wants=(
            "run community meetings that are not just the same five voices",
            "reach residents who never come to public hearings",
        ),
        offers=(
            "design engagement that reaches people who do not usually show up",
            "run a community meeting that stays constructive",
        ),
    ),
    "data-analysis": TopicText(
        wants=(
            "move beyond spreadsheets into SQL and Python",
            "build dashboards that people use to make decisions",
            "get more rigorous about how I analyze our service data",
        ),
        offers=(
            "get started with SQL, Python or better spreadsheets",
            "turn messy operational data into something people can act on",
        ),
    ),
    "software-engineering": TopicText(
        wants=(
            "grow from writing scripts to building maintainable applications",
            "get better at code review, testing and design",
            "work toward a senior engineer role",
        ),
        offers=(
            "write code that other people can maintain",
            "learn testing, code review and the habits of senior engineers",
        ),
        stories=("I taught myself to program while working on the service desk.",),
    ),
    "cloud-and-infrastructure": TopicText(
        wants=(
            "learn how to run our systems in the cloud safely",
            "get hands-on experience with automation and infrastructure as code",
        ),
        offers=(
            "understand cloud platforms, automation and on-call work",
            "plan a migration off old servers without drama",
        ),
    ),
    "cybersecurity": TopicText(
        wants=(
            "move into a security role from general IT",
            "understand our security obligations well enough to explain them to others",
        ),
        offers=(
            "move into security work from another part of IT",
            "explain security risk to people who are not technical",
        ),
    ),
    "product-management": TopicText(
        wants=(
            "learn how to manage a digital service as a product",
            "say no to feature requests without damaging relationships",
        ),
        offers=(
            "prioritize a backlog and say no with reasons",
            "run a digital service as a product rather than a project",
        ),
    ),
    "user-research-and-design": TopicText(
        wants=(
            "learn to run user research with residents",
            "make our forms and services easier for people to use",
        ),
        offers=(
            "plan and run research sessions with residents",
            "use design methods in an organization that is new to them",
        ),
    ),
    "machine-learning": TopicText(
        wants=(
            "understand where machine learning could help us and where it should not",
            "build my first predictive model on real city data",
        ),
        offers=(
            "learn the basics of machine learning with real data",
            "judge whether an AI product is worth buying",
        ),
    ),
    "technical-leadership": TopicText(
        wants=(
            "lead technical decisions on my team without being the manager",
            "grow into a tech lead role",
            "get better at architecture and the trade-offs behind it",
        ),
        offers=(
            "make and document technical decisions a team can live with",
            "grow into a tech lead role without giving up hands-on work",
        ),
        stories=("I chose the technical track over management and have not regretted it.",),
    ),
    "work-life-balance": TopicText(
        wants=(
            "stop answering email at ten at night",
            "set limits on my workload without looking uncommitted",
            "recover from a stretch of burnout and not repeat it",
        ),
        offers=(
            "set limits on your workload and keep them",
            "recognize burnout early and do something about it",
        ),
        stories=("I burned out once, badly, and rebuilt how I work afterwards.",),
    ),
    "confidence": TopicText(
        wants=(
            "speak up in meetings where I am the most junior person",
            "stop second-guessing every decision I make",
            "believe I belong in the room",
        ),
        offers=(
            "trust your own judgment and speak up",
            "work through the feeling that everyone else knows more than you",
        ),
    ),
    "returning-to-work": TopicText(
        wants=(
            "get back up to speed after two years away caring for family",
            "rebuild my confidence after a long career break",
        ),
        offers=(
            "come back after a long break and catch up without panic",
            "talk about a career gap honestly and without apology",
        ),
        stories=(
            "I took three years off when my kids were small and came back to a very different job.",
        ),
    ),
    "resilience-and-change": TopicText(
        wants=(
            "keep my footing through the reorganization that is coming",
            "help my team through change when I am unsure about it myself",
        ),
        offers=(
            "keep your footing through a reorganization",
            "lead people through a change you did not choose",
        ),
    ),
    "time-management": TopicText(
        wants=(
            "protect time for deep work in a calendar full of meetings",
            "prioritize when everything is labeled urgent",
        ),
        offers=(
            "take back control of a calendar full of meetings",
            "prioritize when everything is urgent",
        ),
    ),
    "diversity-equity-and-inclusion": TopicText(
        wants=(
            "make my team a place where everyone can contribute",
            "bring an equity lens to how we deliver services",
        ),
        offers=(
            "apply an equity lens to your own team and services",
            "have honest conversations about inclusion at work",
        ),
    ),
    "women-in-technical-roles": TopicText(
        wants=(
            "talk with women who have built long technical careers here",
            "handle being the only woman on my team",
            "get the credit for my technical work that I am not getting now",
        ),
        offers=(
            "handle being the only woman in a technical room",
            "build a long technical career without having to prove yourself every day",
        ),
        stories=(
            "For my first six years I was the only woman on my engineering team.",
            "I have been the only woman in the room often enough to have a few strategies.",
        ),
    ),
    "entrepreneurship": TopicText(
        wants=(
            "bring an entrepreneurial approach to an internal program",
            "think through a side business idea without it affecting my job",
        ),
        offers=(
            "test an idea cheaply before committing to it",
            "run an internal program as if it were a small business",
        ),
    ),
}
