"""Sentence building blocks that profiles are composed from, so that no two read alike.

Placeholders: {want} is a phrase from topic_texts that completes "I want to …"; {offer}
completes "I can help you …"; {topic} is a lower-case topic name; {dept}, {title} (with
its article), {years} ("a year", "6 years"), {job} and {when} describe the writer.
"""

# How a mentee describes where they are; one of these may open their goals.
CONTEXT_NEW_HIRE = (
    "I joined {dept} {when} and I am still learning how everything fits together.",
    "I started here {when}, coming from the private sector.",
    "I am new to the city: I started in {dept} {when}.",
    "I started as {title} {when}, and this is my first public-sector job.",
    "Since I joined {when} I have mostly been heads-down learning the systems.",
    "I came to {dept} {when} straight out of school.",
)
CONTEXT_EXPERIENCED = (
    "I have been with the city for {years}, most of that in {dept}.",
    "I am {title} in {dept} and have been in this role for a while.",
    "After {years} in {dept}, I am ready for the next challenge.",
    "I have been doing the same job for {years} and want to grow.",
    "I moved to {dept} recently after several years elsewhere in the city.",
    "I have been {title} for a few years now.",
)
CONTEXT_ASSOCIATION = (
    "I work as a {job}.",
    "I am a {job} and joined the association last year.",
    "My day job: {job}.",
    "I have been a {job} for {years}.",
)

# The main goal, built around the first focus area's phrase.
GOAL_MAIN = (
    "I want to {want}.",
    "My main goal is to {want}.",
    "Over the next six months I would like to {want}.",
    "Mostly, I need to {want}.",
    "I am hoping to {want}.",
    "What I really want is to {want}.",
    "The big one for me: I want to {want}.",
    "I would like help to {want}.",
    "This year I plan to {want}, and I could use a sounding board.",
    "Top of my list: I want to {want}.",
)
# A second goal, for the next focus area.
GOAL_MORE = (
    "I would also like to {want}.",
    "Alongside that, I want to {want}.",
    "If there is time, I would also like to {want}.",
    "A second thing: I want to {want}.",
    "And at some point I need to {want}.",
    "Longer term, I want to {want}.",
)
# How they hope to be helped; the closing line of many goals.
GOAL_HOW = (
    "Someone who asks hard questions would help me most.",
    "I do better when someone holds me to what I said I would do.",
    "I would value a mentor outside my own chain of command.",
    "Honest feedback matters more to me than encouragement.",
    "I am new to mentoring, so I am open to how we do this.",
    "I learn best from stories about what went wrong, not only what went right.",
    "Monthly check-ins with a bit of homework in between would suit me.",
    "I would like someone who was in a similar spot a few years ago.",
    "I am happy to do the legwork; I mostly need perspective.",
    "A mentor in a different department would give me a wider view.",
    "I would rather meet in person when we can.",
    "Short, regular conversations work better for me than long ones.",
    "I tend to overthink, so someone practical would be a good balance.",
    "I want someone who will tell me when I am the problem.",
)
# Terse goals: some people write one line and move on.
GOAL_TERSE = (
    "Help with {topic}.",
    "Mainly {topic}.",
    "Looking for advice on {topic}.",
    "{topic_cap}, and anything else that comes up.",
    "Would like to talk through {topic}. Open to suggestions.",
)
GOAL_TERSE_TWO = (
    "Help with {topic} and {topic2}.",
    "{topic_cap}; also {topic2}.",
    "Mainly {topic}, a bit of {topic2}.",
)

# Peers describe what they want from a colleague at a similar stage.
PEER_OPENERS = (
    "I would like a peer to compare notes with.",
    "I am looking for someone at a similar stage to trade advice with.",
    "Co-mentoring appeals to me because we can both learn.",
    "I want a colleague outside my department to think out loud with.",
    "I am after a regular conversation with someone who gets the pressures of the job.",
)
PEER_CLOSERS = (
    "I am happy to share what I have learned about {topic}.",
    "In return I can bring what I know about {topic}.",
    "I can offer a fresh pair of eyes on {topic}.",
    "I have a fair amount of experience with {topic} if that is useful to you.",
)

# Mentors introduce themselves before saying what they can offer.
BRING_INTRO = (
    "I have spent {years} with the city, most recently as {title}.",
    "I am {title} in {dept} and have been here {years}.",
    "I have been in public service for {years}, most of that time in {dept}.",
    "Before the city I worked at {prior}; I have been in {dept} for {years}.",
    "I started at the city as an intern and have been here {years}.",
    "I came to {dept} from {prior} {years} ago.",
)
BRING_INTRO_ASSOCIATION = (
    "I am a {job}, and I have been in the field for {years}.",
    "By day I am a {job}.",
    "I work as a {job} and volunteer with the association.",
    "I have been a {job} for {years}, and in public-sector technology for longer.",
)
PRIOR_EMPLOYERS = (
    "a regional engineering firm",
    "a hospital billing office",
    "a software startup",
    "a food bank",
    "the county",
    "a state agency",
    "a utility company",
    "a consulting firm",
    "a school district",
    "the Army",
    "a community college",
    "a bank",
    "a newspaper",
    "a construction company",
    "a tribal housing authority",
    "a large retailer",
)
OFFER_MAIN = (
    "I can help you {offer}.",
    "Where I am most useful: helping you {offer}.",
    "I am glad to help you {offer}.",
    "If you need to {offer}, I have been there.",
    "Ask me if you want to {offer}.",
)
OFFER_MORE = (
    "I can also help you {offer}.",
    "I am also happy to help you {offer}.",
    "Another thing I can do is help you {offer}.",
)
OFFER_LIMIT = (
    "I am less useful on {topic}.",
    "I am not the right person for {topic}, but I can point you to someone who is.",
    "I know little about {topic}, so look elsewhere for that.",
)
# Mentees, in programs that ask everyone what they bring.
MENTEE_BRING = (
    "I will come to every meeting with questions and do the homework in between.",
    "Curiosity, and a habit of following up on what we discuss.",
    "I am reliable and I will respect your time.",
    "A fresh perspective on {dept}, and plenty of questions.",
    "I can share what I know about {topic} in return.",
    "I listen well and act on advice.",
    "I bring an outside view from my previous job.",
    "Honesty about what is and is not working.",
)

# Why mentors mentor: a reason, sometimes a word on style and a limit.
WHY_REASONS = (
    "Someone gave me their time early in my career, and I want to pass that on.",
    "I learn as much from the people I mentor as they learn from me.",
    "I wish I had had a mentor when I started here.",
    "I like seeing people get somewhere they did not think they could.",
    "I want the next generation of city staff to be better prepared than I was.",
    "Mentoring keeps me honest about my own habits.",
    "I had a bad first manager and a great mentor; the mentor is the one I remember.",
    "It is the most satisfying hour of my month.",
    "There are not enough women in technical roles here, and I want to change that.",
    "I am close to retirement and want to leave what I know with someone.",
    "I enjoy hearing how newer colleagues see the organization.",
    "I was the first in my family to work in an office, and I know how much nobody tells you.",
    "Good mentoring made me a better manager, and I want to return the favor.",
    "It helps me stay connected to what is happening on the front line.",
)
WHY_STYLE = (
    "I ask more questions than I answer.",
    "I am direct, and I will tell you what I think.",
    "I like to agree on goals at the start and revisit them every few months.",
    "I prefer practical problems to abstract ones.",
    "I share my own mistakes freely.",
    "Expect me to ask what you did since last time.",
    "I am a good listener and a patient one.",
    "I will challenge you, kindly.",
    "I like to introduce people to each other when it makes sense.",
    "I keep what we discuss between us.",
)
WHY_LIMITS = (
    "I can meet during work hours only.",
    "Video calls suit me better than in-person meetings.",
    "I am slow on email but reliable on scheduled calls.",
    "Please do not text me after hours; email is fine.",
    "I travel a lot in the summer, so we may need to plan around it.",
    "I can commit to one meeting a month and quick questions in between.",
)

# How long ago someone started, for CONTEXT_NEW_HIRE's {when}.
WHEN_BY_MONTHS = (
    (1, "a few weeks ago"),
    (2, "last month"),
    (4, "a couple of months ago"),
    (7, "earlier this year"),
    (13, "less than a year ago"),
)

# How a department is named inside a sentence ("I work in {dept}").
DEPARTMENT_IN_PROSE = {
    "Office of the City Manager": "the City Manager's Office",
    "Information Technology": "IT",
    "Police": "the Police Department",
    "Water and Utilities": "Water and Utilities",
}
