"""What an entry says: fixed-mindset statements in the forms people type, and feedback
received (setbacks met with a plan are in plans.py).

Patterns run on chat_form text (lower case, contractions spelled out, emoji dropped), one
sentence at a time, so the sentence that fired can be quoted back as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.suggest.text import Sentence
from core.suggest.topics import (
    CHORES,
    GERUND_RE,
    NOT_GERUNDS,
    nearest_topic,
    vocab_topics,
)
from core.suggest.vocab import PEOPLE, Pattern, Topic

# --------------------------------------------------------------------------- fixed mindset

_ADV = (
    r"(?:\s+(?:just|really|so|very|simply|totally|completely|clearly|obviously|naturally|always"
    r"|still|definitely|probably|such|kind\s+of|pretty|quite|even|actually|truly|genuinely))*"
)
_IM = r"\bi(?:'m|\s+am)"
_ROLES = (
    r"writer|artist|singer|runner|dancer|musician|athlete|natural|genius|leader|speaker|cook"
    r"|reader|learner|swimmer|climber|coder|programmer|developer|designer|player|maths\s+whizz"
)
_ODD_PERSON = (
    r"(?!(?:morning|night|cat|dog|coffee|tea|wine|beer|drinks?|breakfast|dessert|sweets?|spicy|food"
    r"|beach|party|summer|winter|holiday|festival|crowd|city|big|huge|concert|gig|clubbing|theatre"
    r"|dinner|lunch|brunch)\b)"
)
# "Not a cat person" is taste, not a mindset.
TASTE_RE = re.compile(
    rf"\bnot\s+(?:really\s+)?(?:an?|the)\s+(?:{_ODD_PERSON[3:-1]})\s*(?:person|type)\b"
)
_HABITS = (
    r"(?:sugar|smoking|drinking|booze|alcohol|coffee|caffeine|meat|dairy|vaping|cigarettes"
    r"|social\s+media|twitter|instagram|tiktok|my\s+job|the\s+job|that\s+job|gambling|snacking"
    r"|(?:my|the)\s+(?:[\w-]+\s+)?(?:membership|subscription|contract|plan|phone))"
)

_FIXED_SOURCES: list[tuple[Pattern, str]] = [
    # giving up
    (
        "giving_up",
        rf"(?:\bi(?:'m|\s+am|'ll|\s+will|'ve)?{_ADV}\s+|^|[,;:]\s*)(?:give\s+up|gave\s+up|giving\s+up|given\s+up"
        r"|going\s+to\s+give\s+up|want\s+to\s+give\s+up|ready\s+to\s+give\s+up|about\s+to\s+give\s+up"
        r"|quit|quitting|going\s+to\s+quit|want\s+to\s+quit|should\s+(?:just\s+)?quit"
        r"|might\s+as\s+well\s+quit|thinking\s+(?:of|about)\s+(?:quitting|giving\s+up|dropping)"
        r"|dropping\s+out|dropped\s+out|jack(?:ing|ed)?\s+in|done\s+with|left\s+the\s+(?:[\w-]+\s+){0,2}(?:team|club|class|course"
        r"|choir|band|group)|dropped\s+(?:the|my)\s+[\w-]+\s+(?:class|course"
        rf"|lessons))\b(?!\s+(?:on\s+)?{_HABITS}\b)(?!\s+(?:work|today|for\s+the\s+day|for\s+today)\b)"
        rf"(?!\s+(?:trying\s+to\s+)?(?:calm|sleep))",
    ),
    (
        "giving_up",
        r"\b(?:deleting|deleted|uninstall(?:ed|ing)?)\s+(?:duolingo|the\s+(?:[\w-]+\s+)?app)\b|\bcancell?ed\s+(?:my|the)\s+(?:[\w-]+\s+)?(?:lessons|classes|course|tuition)\b",
    ),
    # brushing off feedback
    (
        "dismiss_feedback",
        r"\b(?:he|she|they)\s+(?:just\s+)?(?:doesn't|don't|didn't)\s+(?:get|understand)\s+(?:modern|how|the"
        r"\s+point)|\b(?:doesn't|does\s+not|don't|do\s+not|didn't)\s+(?:even\s+)?(?:know|get|understand)\s+"
        r"(?:what\s+(?:she's|he's|they're|she\s+is|he\s+is|they\s+are)\s+talking\s+about|my\s+"
        r"(?:style|vision|work|approach|ideas?|writing|art|argument|point|humou?r|jokes?|concept|taste))",
    ),
    (
        "dismiss_feedback",
        r"\b(?:is|are|was|were|'s|'re)\s+(?:just\s+)?(?:nitpicking|being\s+picky|jealous|hating"
        r"|being\s+(?:pedantic|petty|fussy|precious|dramatic))\b|\bpedantic\b"
        r"|\bnitpick\w*|\b(?:she|he|they)\s+(?:just\s+|clearly\s+|obviously\s+)?(?:has|have)\s+it\s+in\s+for\s+me\b"
        r"|\bwouldn't\s+know\s+(?:good\s+)?\w+(?:\s+\w+)?\s+if\s+it\b|not\s+changing\s+(?:it|anything|a\s+thing)\b|\b(?:she's|he's|they're)\s+(?:just\s+)?"
        r"wrong\b|\bfine\s+(?:as\s+it\s+is|the\s+way\s+it\s+is)\b|\bthinks?\s+(?:they|she|he)\s+"
        r"knows?\s+(?:best|better|everything)\b|\bwhat\s+do\s+(?:they|you)\s+know\b",
    ),
    (
        "dismiss_feedback",
        r"\b(?:ignor(?:e|ed|ing)|brush(?:ed|ing)?\s+off|not\s+(?:listening\s+to|taking)"
        r"|won't\s+(?:listen\s+to|take))\s+(?:that\s+|the\s+|their\s+|his\s+|her\s+|this\s+|any\s+)?"
        r"(?:advice|feedback|comments?|notes|criticism|suggestions?)"
        r"|\b(?:feedback|comments|criticism|notes)\b[^.!?]{0,30}?\b(?:was|were|is|are)\s+(?:just\s+|so\s+"
        r"|totally\s+)?(?:useless"
        r"|pointless|wrong|rubbish|stupid|unfair|nonsense|bs)\b"
        r"|\bi\s+(?:don't|do\s+not)\s+need\s+(?:their|his|her|anyone's|your|any)?\s*(?:advice"
        r"|feedback|opinion)",
    ),
    # avoiding challenge
    (
        "avoidance",
        r"\b(?:didn't|did\s+not|won't|will\s+not|not\s+going\s+to|never)\s+(?:even\s+)?(?:go|sign\s+up"
        r"|apply|volunteer|try|raise\s+my\s+hand|put\s+my\s+hand\s+up|speak\s+up|ask|enter|audition"
        r"|go\s+for)\b[^.!?]{0,80}?\b(?:because|in\s+case|what\s+if|so\s+i\s+(?:don't|wouldn't|won't)"
        r"|scared|afraid|i'd|i\s+would|i\s+might)\b",
    ),
    (
        "avoidance",
        r"^(?:i'm\s+)?not\s+(?:applying|signing\s+up|entering|auditioning|volunteering|competing)\b"
        r"|\bwhat\s+if\s+i(?:'m|\s+am)\s+the\s+only\s+one|\bwhat\s+if\s+i\s+(?:couldn't|can't|fail|failed|mess|messed|look|looked|make\s+a\s+fool"
        r"|embarrass)|\b(?:stick|stay|sticking|staying)\s+(?:to|with)\s+(?:what\s+i\s+(?:know|'m\s+"
        r"good\s+at)|the\s+\w+\s+i\s+know|things\s+i'm\s+good\s+at)|\b(?:only|just)\s+(?:take|do|pick"
        r"|choose)\s+(?:the\s+)?(?:easy|safe|simple)\s+(?:ones|tickets|tasks|stuff|things|jobs"
        r"|options|problems|songs|routes)|\bkept\s+my\s+head\s+down\b|\b(?:i'd|i\s+would|i'll|i\s+will)\s+(?:just\s+|only\s+)?"
        r"(?:embarrass|humiliate|make\s+a\s+fool\s+of)\s+myself|\bturned\s+down\s+(?:the|a|an)\s+(?:chance"
        r"|opportunity|offer)\s+to|\b(?:i'd|i\s+would)\s+(?:just\s+|only\s+)(?:mess|screw)\s+"
        r"(?:it|things|everything)\s+up|\bwho\s+am\s+i\s+to\b|\bnot\s+(?:even\s+)?(?:going\s+to|gonna)\s+(?:try|bother)\b|\b(?:scared|afraid"
        r"|terrified)\s+(?:to\s+try|of\s+(?:trying|failing|looking))|\b(?:won't|will\s+not|not\s+going"
        r"\s+to|didn't|don't)\s+(?:even\s+)?bother\s+(?:applying|trying|asking|entering|going|auditioning)"
        r"|\b(?:i'll|i'd|i\s+would|i\s+will|i\s+might)\s+(?:just\s+)?(?:look|sound|seem)\s+(?:like\s+"
        r"(?:an?\s+)?(?:idiot|fool|loser)|stupid|dumb|thick)|\b(?:stick|stay|sticking|staying)\s+"
        r"(?:to|with|in)\s+[^.!?]{0,40}?(?:what\s+i(?:'m|\s+am)\s+good\s+at|forever|comfort\s+zone)"
        # "not gonna embarrass myself", "no thanks, i'll just mess it up", "rather ... safer"
        r"|\b(?:not\s+(?:gonna|going\s+to)|refuse\s+to)\s+(?:go\s+and\s+)?(?:embarrass|humiliate"
        r"|make\s+a\s+fool\s+of)\s+myself|\bno\s+thanks?\b[^.!?]{0,30}\b(?:i'll|i'd|i\s+will|i\s+would)\s+"
        r"(?:only|just)\s+(?:mess|screw)\s+(?:it|things)\s+up|\bi'd\s+rather\s+(?:stay|keep|stick)\b[^.!?]{0,50}"
        r"\b(?:safer|less\s+risk\w*)\b",
    ),
    (
        "avoidance",
        r"\b(?:avoid|avoided|avoiding|dodged|dodge|dodging|skip|skipped|skipping|ducking|ducked)\b[^.!?]{0,60}?"
        r"\b(?:(?:because|cause)\b[^.!?]{0,50}?\b(?:scared|afraid|nervous|embarrass\w*|stupid|look|judge\w*"
        r"|laugh\w*|fail\w*|rubbish|bad|worst|everyone|watch\w*|i'd|i\s+would|i\s+might|can't|couldn't"
        r"|i\s+know|always|asks?|questions?|blank|wrong)\b|in\s+case|so\s+i\s+(?:don't|wouldn't))"
        r"|\bbottled\s+(?:it|the\s+\w+)\b|\blet\s+(?:someone|somebody)\s+else\s+(?:take|do|have)\s+it\b|\b(?:backed|pulled|chickened)\s+out\b(?!\s+of\s+(?:the|my)\s+"
        r"(?:drive|driveway|car\s+park|parking|space))|\bbailed\s+on\b"
        r"|\bturned\s+down\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?(?:role|job|promotion|part"
        r"|place|spot|position|solo)\b[^.!?]{0,40}?\b(?:because|cause|cos|as|in\s+case|since)\b"
        r"|\bi(?:'d|\s+would)\s+(?:probably\s+|just\s+)?make\s+a\s+(?:mess|hash|fool)\s+of\b"
        r"|\bi(?:'ll|\s+will|'d|\s+would)\s+(?:just\s+|probably\s+)?(?:sound|look)\s+like\s+an?\s+(?!pro\b)"
        r"|\beveryone\s+(?:will|would)\s+(?:film|laugh|stare|see|watch|judge)\b"
        r"|\b(?:they'd|they\s+would|people\s+would|everyone\s+would|they'll)\s+(?:figure\s+out|find\s+out"
        r"|realise|realize|laugh\s+at|see\s+through)\b"
        r"|\bdidn't\s+want\s+to\s+(?:look|sound|seem)\s+(?:stupid|dumb|thick|silly|like\s+an?\s+(?:idiot|fool))"
        r"|\blet\s+(?!me\b)\w+\s+do\s+(?:them\s+all|it\s+all|all\s+of\s+them|it\s+instead|them\s+instead)"
        r"|\bmake\s+me\s+want\s+to\s+(?:hide|run\s+away)\b|\b(?:scared|afraid|terrified|worried)\s+"
        r"(?:they'd|they\s+would|people\s+would|everyone\s+would|someone\s+would)\s+(?:find\s+out|see|notice"
        r"|realise|realize|know)\b|\bdidn't\s+try\s+out\s+for\b",
    ),
    # comparison
    (
        "comparison",
        r"\b(?:everyone|everybody|they\s+all|others|other\s+people|the\s+rest\s+of\s+(?:the|my|us)\s+\w+"
        r"|all\s+my\s+(?:friends|mates|classmates|colleagues|teammates)|(?:my\s+)?(?:teammates|classmates"
        r"|colleagues|friends|peers|mates)\s+are\s+all)"
        r"\b[^.!?]{0,50}?\b(?:better"
        r"|smarter|faster|quicker|ahead|so\s+fast|so\s+easily|easily|naturally|breeze|get\s+it"
        r"|straight\s+away|right\s+away|first\s+time|instantly|like\s+it's\s+nothing|million\s+better"
        r"|gets\s+it|just\s+get|more\s+talented|already\s+know|geniuse?s?|so\s+smart)\b(?!\s+(?:dressed|looking))|\b(?:friends|classmates|colleagues|teammates"
        r"|peers)\s+(?:all\s+)?(?:just\s+)?(?:breeze|fly|cruise|sail)|\b(?:everyone|everybody|they\s+all"
        r"|the\s+others)\b[^.!?]{0,60}?\b(?:and|but|while|whereas)\s+i(?:'m|\s+am)?\s+(?:still|can't"
        r"|don't|just|barely|the\s+only)\b|\b(?:everyone|everybody)\b[^.!?]{0,60}?\b(?:except|but|apart\s+from)"
        rf"\s+me\b|{_IM}{_ADV}\s+the\s+(?:un[a-z]{{4,}}|slow|dumb|thick|stupid|useless|weak)\s+one\b",
    ),
    (
        "comparison",
        r"\bcompared\s+(?:to|with)\s+(?:the\s+)?(?:other|everyone|everybody|them|her|him|my\s+\w+"
        r"|others)|\b(?:she|he|they)(?:'s|'re|\s+is|\s+are)\s+(?:just\s+)?(?:naturally|a\s+natural)"
        r"\b|\b(?:sister|brother|friend|colleague|classmate|teammate|partner)s?\s+(?:is|are)\s+"
        r"(?:just\s+)?naturally\b|\bsome\s+people\s+(?:are|were)\s+(?:just\s+)?(?:naturals?|born"
        r"|gifted|wired|built)|\bsome\s+(?:people|of\s+us)\s+(?:just\s+)?(?:have|got|are\s+born\s+with)\s+"
        r"(?:it|the\s+\w+(?:\s+for)?|an?\s+(?:head|ear|eye|knack|gift|talent|brain)\s+for|[a-z]+\s+and\s+some)|\b(?:i'm|i\s+am)\s+(?:just\s+|so\s+|way\s+)?behind\s+"
        r"(?:at|in|on|with)?\s*everything"
        rf"|{_IM}\s+(?:just\s+|clearly\s+)?the\s+(?:worst|slowest|weakest|dumbest|slow\s+one)\b"
        r"|\bthe\s+(?:worst|slowest|weakest)\s+at\s+[\w\s]{2,20}?\s+in\s+(?:my|the|our)\s+(?:whole\s+)?(?:year"
        r"|class|team|group|office|family|course)\b"
        r"|\b(?:never|won't\s+ever)\s+be\s+as\s+(?:good|smart|fast|talented)\s+as\b|\bwhy\s+can't\s+i"
        r"\s+be\s+(?:more\s+)?like\b|\bfar\s+behind\s+(?:everyone|the\s+others|them)|\b(?:was|is|were)\s+"
        r"(?:always\s+)?the\s+(?:clever|smart|talented|sporty|gifted|bright|musical|creative)\s+one\b"
        r"|\b(?:'s|has|'ve|have)\s+always\s+been\s+the\s+(?:clever|smart|talented|sporty|gifted|bright|musical"
        r"|creative|brainy|popular|pretty|funny)\s+one\b|\bmine\s+(?:looked|look|sounded|sounds|was|were)\s+"
        r"like\s+an?\b"
        r"|\b(?:my|his|her)\s+[\w-]+\s+(?:learned|learnt|picked\s+up|mastered)\s+[^.!?]{0,30}\bin"
        r"\s+(?:like\s+)?(?:a|one|two|three)\s+(?:days?|weeks?|months?)\b"
        r"|\bwhile\s+i\s+(?:was|am)\s+still\b|\b(?:sister|brother|friend|mate|cousin|colleague|classmate)\s+"
        r"(?:passed|got|aced|nailed|smashed)\s+[^.!?]{0,30}\bfirst\s+(?:time|go|try)\b|\bi'm\s+the\s+only\s+(?:one|person)\b[^.!?]{0,20}?\b(?:who|that)"
        r"\s+(?:can't|doesn't|didn't|still|isn't|hasn't)\b|\b(?:mates|friends|everyone|everybody|they)\s+"
        r"(?:all\s+)?(?:did|got|passed|nailed|picked)\s+(?:it\s+)?(?:up\s+)?(?:first\s+(?:go|time|try)|in\s+(?:a|one)"
        r"\s+(?:day|week|go))|\bthe\s+rest\s+of\s+(?:the|my|us)\s+\w+\b[^.!?]{0,50}?\band\s+i'm\s+still\s+"
        r"(?:lost|stuck|confused|struggling|clueless)\b|\bthe\s+(?:dumbest|slowest|worst|weakest|stupidest)\s+(?:person"
        r"|one|player|student|member)\b|\band\s+i(?:'ve|\s+have)?\s+(?:got|have)\s+nothing\b|\bare\s+all\s+naturally\b|\bi'm\s+the\s+weak\s+(?:link|one)\b|\b(?:understand|get|know)\s+[^.!?]{0,30}\band\s+i'm\s+lost\b|\bi'm\s+the\s+(?:token\s+)?(?:idiot|dumb\s+one|slow\s+one)\b",
    ),
    # identity
    (
        "identity",
        rf"{_IM}{_ADV}\s+not{_ADV}\s+(?:an?|the)\s+{_ODD_PERSON}(?:[\w'-]+\s+){{0,2}}?(?:person"
        rf"|type|guy|girl|kind\s+of\s+person|brain)\b|{_IM}{_ADV}\s+not\s+(?:[\w-]+\s+)?material\b"
        rf"|(?:{_IM}{_ADV}\s+|^)not{_ADV}\s+an?\s+(?:{_ROLES})\b|(?:{_IM}{_ADV}\s+|^)not\s+an?\s+natural\b"
        rf"|{_IM}{_ADV}\s+not\s+an?\s+(?:good|great|strong|smart)\s+enough\b"
        rf"|{_IM}{_ADV}\s+too\s+(?:old|slow|stupid|dumb|thick|shy|introverted|awkward|quiet|uncoordinated"
        r"|clumsy|unfit|lazy|impatient|disorgani[sz]ed|scatterbrained)\s+(?:to|for)\b"
        r"|\b(?:always|never)\s+been\s+(?:\w+\s+)?(?:thick|bad|terrible|rubbish|hopeless|useless|awful|crap"
        r"|good)\s+(?:at|with)\b|\bnothing(?:'s|\s+is)\s+(?:ever\s+)?(?:going\s+to|gonna)\s+change\s+that\b"
        r"|\btoo\s+old\s+(?:to\s+(?:learn|start|change|be\s+(?:learning|starting)|pick\s+up|try)"
        r"|for\s+(?:this|that|it)\b)"
        rf"|{_IM}{_ADV}\s+tone[-\s]deaf\b|\btwo\s+left\s+feet\b|\btalent\s+is\s+everything\b"
        r"|\b(?:got|have|inherited)\s+(?:the\s+)?(?:bad|wrong|rubbish|useless|dud)\s+genes?\b"
        r"|\bi\s+was\s+(?:just\s+)?born\s+(?!in\b|on\b|at\b|and\b|into\b|with\b|to\b)[a-z]+"
        r"|(?:that's|it's|its)\s+just\s+(?:who|how|what)\s+i\s+am\b|\b(?:that's|that\s+is|it's)\s+(?:never|not)"
        r"\s+going\s+to\s+change\b|\bis\s+(?:only\s+)?for\s+(?:smart|clever|talented|sporty|creative|gifted"
        r"|young|brainy|naturally\s+\w+)\s+people\b|\bnever\s+(?:going\s+to|gonna)\s+be\s+an?\s+(?:[\w-]+\s+)?"
        rf"(?:person|type|{_ROLES})\b"
        r"|\bi\s+(?:was|am|'m|have\s+been|'ve\s+been)\s+never\s+(?:really\s+)?an?\s+(?:[\w-]+\s+)?"
        rf"(?:person|type|{_ROLES})\b"
        r"|\bpeople\s+(?:like\s+me|who\s+[^.!?]{3,40}?)\s+(?:just\s+)?(?:can't|don't|never)\s+(?:do|get|learn"
        r"|make)\b|\bjust\s+not\s+happening\s+for\s+me\b|\b(?:always\s+will\s+be|always\s+have"
        r"\s+been),?\s+(?:always\s+will\s+be)?$|\bthat\s+ship\s+has\s+sailed\b",
    ),
    (
        "identity",
        rf"{_IM}{_ADV}\s+(?:not|never){_ADV}\s+(?:(?:very|that|any|naturally)\s+)?(?:good|talented"
        r"|gifted|smart|clever|bright|creative|sporty|athletic|musical|artistic|academic"
        rf"|coordinated|flexible|technical|mathematical|logical|organi[sz]ed|disciplined|employable"
        rf"|likeable)\b|\bi've{_ADV}\s+never\s+been{_ADV}\s+(?:any\s+)?good\s+(?:at|with)\b",
    ),
    (
        "identity",
        rf"{_IM}{_ADV}\s+(?:bad|terrible|awful|hopeless|useless|rubbish|crap|garbage|trash|the\s+"
        rf"worst|horrible|lousy)\s+(?:at|with)\b|\bi{_ADV}\s+suck\s+(?:at|with)\b|{_IM}{_ADV}\s+"
        r"(?:an?\s+)?(?:really\s+|very\s+|so\s+)?(?:bad|terrible|awful|horrible|useless|rubbish"
        r"|hopeless|lousy|crap|slow)\s+(?:learner|cook|writer|singer|driver|runner|parent|student|artist|dancer"
        r"|swimmer|speaker|leader|player|coder|programmer)\b",
    ),
    (
        "identity",
        r"\b(?:not\s+cut\s+out|not\s+built|not\s+made|(?:wasn't|isn't|aren't|weren't)\s+(?:made|born|built"
        r"|cut\s+out)|not\s+born)\s+"
        r"(?:for|to)\b|(?:how|the\s+way)\s+i(?:'m|\s+am)\s+(?:wired|built|made|programmed)\b"
        r"|\bmy\s+(?:brain|mind)\s+(?:just\s+)?(?:doesn't|does\s+not|don't|can't|won't|isn't)\s+(?!hurt|stop)\w+"
        r"|\bnot\s+my\s+calling\b|\b(?:some|our)\s+bodies\s+(?:just\s+)?(?:aren't|are\s+not|weren't)\s+(?:built"
        r"|made|designed)\b"
        rf"|{_IM}{_ADV}\s+(?:wired|built|made)\s+(?:this|that|differently)\b|\b(?:brain|mind|body)"
        r"\s+(?:just\s+)?(?:doesn't|does\s+not|don't|isn't)\s+(?:work|built|wired)\s+(?:that|like"
        r"|this)|\b(?:it's|is)\s+(?:in\s+(?:my|the)\s+(?:genes|dna|blood)|genetic)\b|\bborn\s+(?:this\s+way"
        r"|without)|\bhow\s+my\s+brain\s+(?:is|works)\b|\bsome\s+(?:people|brains)\s+are\s+(?:just\s+)?"
        r"(?:wired|built|made)\s+for\b|\bjust\s+(?:doesn't|does\s+not|won't)\s+go\s+in\b|\bmissing\s+(?:the|whatever|that|some)\s+(?:\w+\s+)?(?:gene|talent|gift)|\b(?:didn't|don't|never)\s+(?:get|got|inherit\w*)\s+the\s+(?:\w+\s+)?(?:gene|genes|talent|gift)\b"
        r"|\bpeople\s+like\s+me\s+(?:don't|can't|never|won't)\b",
    ),
    (
        "identity",
        r"\bi\s+(?:have|'ve\s+got|got)\s+(?:zero|no)\s+(?:willpower|talent|discipline"
        r"|self[- ]control|motivation|aptitude|coordination|ear\s+for)"
        r"|\bi(?:\s+just)?\s+(?:don't|do\s+not)\s+have\s+(?:the\s+"
        r"|a\s+|any\s+|an\s+)?(?:natural\s+)?(?:talent|brain|gift|head|knack|genes?|aptitude|ear"
        r"|eye)\s+for\b|\breal\s+(?:writers|artists|musicians|programmers|developers|athletes"
        r"|runners|singers|coders|designers)\s+(?:don't|do\s+not|never)\b",
    ),
    (
        "identity",
        r"\b(?P<subj>(?:[\w-]+\s+){0,2}?[\w-]+)\s+(?:is|are|'s)\s+(?:clearly\s+|just\s+|obviously\s+"
        r"|definitely\s+|simply\s+)?not\s+(?:for\s+(?:me|people\s+like\s+me)|my\s+thing|my\s+strong\s+"
        r"(?:point|suit)|(?:only\s+)?for\s+(?:[\w-]+\s+){0,2}people)\b|\b(?P<subj2>(?:[\w-]+\s+){0,2}?[\w-]+)\s+(?:isn't|aren't)\s+(?:really\s+|just\s+)?"
        r"(?:for\s+me|my\s+thing)\b",
    ),
    (
        "identity",
        rf"{_IM}{_ADV}\s+(?:stupid|dumb|thick|slow|dim|an\s+idiot)\b(?!\s+(?:at|with|mistake|reader|start))",
    ),
    # helplessness
    (
        "helpless",
        r"\bno\s+point\s+(?:in\s+)?(?:me\s+)?(?:even\s+)?(?:trying|bothering|going(?!\s+(?:to\s+the\s+(?:shops?|supermarket|pub|park|beach|cinema|market)"
        r"|out\b|(?:to\s+)?(?:today|tonight)))|applying|practi[cs]ing|studying"
        r"|learning|doing)|\b(?:what's|what\s+is)\s+(?:even\s+)?the\s+(?:point|use)\b|\bwhy\s+(?:do\s+i\s+"
        r"|should\s+i\s+|would\s+i\s+)?(?:even\s+)?(?:bother|try)\b(?!\s+(?:to|and|it|this|that|again)\b)|\bthere's\s+no\s+way\s+i(?:\s+can|\s+could"
        r"|\s+will|'ll)\b|\bwho\s+would\s+(?:want\s+to\s+)?(?:listen\s+to|hire|read|pick|choose)\s+me\b"
        r"|\bwhy\s+would\s+anyone\s+(?:want\s+to\s+)?(?:read|listen\s+to|watch|hire|pick|care\s+about)\s+(?:me|my)\b"
        r"|\bmy\s+[\w-]+\s+(?:is|will)\s+never\s+(?:going\s+to\s+)?(?:get|be|improve)\b"
        r"|\bi'd\s+be\s+(?:good|better|there|fluent)\s+(?:at\s+it\s+)?by\s+now\b"
        r"|\bwhy\s+do\s+i\s+(?:even\s+)?keep\s+trying\b|\bnothing\s+i\s+do\s+(?:ever\s+)?(?:works|matters|helps)|(?:doesn't|does\s+not)"
        r"\s+matter\s+(?:how\s+(?:hard|much)|what)\s+i\s+(?:try|do)|\bwhy\s+(?:even\s+)?(?:apply|bother\s+applying"
        r"|audition|enter)\b|\bfail\s+anyway\b",
    ),
    (
        "helpless",
        rf"\bi(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to){_ADV}\s+never\s+(?:be\s+able\s+to"
        r"|be\s+(?:good|any\s+good|fluent|able|as|like|an?|one\s+of\s+those)|get|understand|learn|pass|make\s+it|improve"
        r"|master|figure|manage|succeed|finish|win|beat|draw|sing|play|speak|write|swim|run|cook"
        rf"|code|remember|catch\s+up)\b|{_IM}{_ADV}\s+never\s+going\s+to\s+(?:be|get|make|pass"
        r"|understand|learn)\b",
    ),
    (
        "helpless",
        rf"(?:\bi{_ADV}\s+|^)(?:can't|could\s+never|can\s+never)\s+(?:ever\s+|even\s+)?(?:do|learn"
        r"|understand|get|figure|seem\s+to|manage|handle|master|pass|draw|sing|play|speak|write|swim"
        r"|run|cook|code|improve|keep\s+up|wrap\s+my\s+head)\b(?!\s+(?:wait|enough|it\s+done\s+in"
        r"|mornings|early|late|nights|crowds|heat|the\s+heat|spicy|dairy|gluten|that\s+(?:day|date|time)"
        rf"|today|tonight|tomorrow|this\s+week))|\bi{_ADV}\s+(?:always|keep)\s+(?:fail(?:ing)?|mess(?:ing)?\s+(?:it\s+|things\s+"
        r"|everything\s+)?up|screw(?:ing)?\s+(?:it\s+|things\s+|everything\s+)?up|get(?:ting)?\s+"
        r"(?:it|everything)\s+wrong)\b",
    ),
]
_SHRUG_RE = re.compile(
    r"\b(?:but|so|and)\s+whatever\b|[,;:]\s*whatever\b|\bdone\s+it\s+my\s+way\b|\bmy\s+way\s+is\s+"
    r"(?:fine|better)\b|\b(?:she|he|they)\s+(?:obviously\s+|clearly\s+|just\s+)?(?:didn't|did\s+not|never)\s+"
    r"(?:read|look\s+at|listen\s+to|watch)\s+(?:it|my)\b|\b(?:she|he|they)\s+(?:just\s+)?(?:doesn't|don't|didn't)\s+"
    r"(?:get|understand)\b|\bi\s+know\s+what\s+works\b|\b(?:she|he|they)\s+(?:just\s+)?(?:hates?"
    r"|has\s+it\s+in\s+for)\s+me\b|\bwho\s+cares\b|\bonly\s+likes\s+(?:one|her|his|their\s+own)\s+"
    r"(?:style|way)|\bnever\s+(?:even\s+)?seen\s+how\s+i\b|\bnot\s+doing\s+(?:it|that)\b|\bbox[-\s]ticking\b"
    r"|\bwaste\s+of\s+time\b|\bold[-\s]school\b|\bout\s+of\s+touch\b|\bit's\s+not\s+me\b|\bnot\s+my\s+fault\b|\bignor(?:e|ing)\s+(?:it|them|that)\b|^(?:nah|meh|whatever)\b"
    r"|\bmeant\s+to\s+(?:be|look)\s+like\s+that\b|\b(?:[a-z]+s|people|everyone|nobody)\s+just\s+(?:don't|doesn't)\s+(?:get|understand)\b|\b(?:that's|it's)\s+(?:just\s+)?my\s+style\b|\blike\s+ok\s+mate\b"
)
_FIXED_RES = [(pattern, re.compile(src)) for pattern, src in _FIXED_SOURCES]
# Priority when one entry holds several: the most specific answer first.
# "Too hard" counts only about something learnt: a jar lid or a video game is no mindset.
_TOO_HARD_RE = re.compile(
    r"\btoo\s+(?:hard|difficult)\s+for\s+me\b|\b(?:is|'s|are)\s+(?:just\s+|way\s+)?too\s+(?:hard|difficult)\b"
)
NOT_A_CONTEST_RE = re.compile(
    r"\b(?:loves|likes|enjoys|eats|drinks|prefers|wearing|wore|dressed|outfits?|jumpers?|costumes?|invited|tanned|holidays?|wedding|party)\b"
)
PRIORITY: tuple[Pattern, ...] = (
    "giving_up",
    "dismiss_feedback",
    "avoidance",
    "comparison",
    "identity",
    "helpless",
    "feedback",
)

_FEEDBACK_RE = re.compile(
    r"\b(?:feedback|comments?|notes|criticism|corrections|review)\s+(?:on|about|from|say|says|said)\b"
    r"|\b(?:"
    + "|".join(PEOPLE)
    + r")s?(?:\s+\d+)?\s+(?:said|says|told\s+me|pointed\s+out|mentioned|thinks"
    r"|(?:wants|want|asked)(?!\s+(?:me\s+)?(?:if|whether|who|for\s+volunteers)\b)(?!\s+me\s+to\s+(?:try|do|lead|join|take|sing|give|run|be|come|apply|go|play|host|present|cover)\b)"
    r"|wrote\s+(?:on|in)\s+my|wrote\s+that|told\s+(?:me\s+)?(?:in\s+(?:a\s+|my\s+|our\s+)?[\w:-]+\s+)?that"
    r"|asked\s+for|keeps?\s+telling\s+me|tells\s+me|marked|keeps?\s+saying"
    r"|keeps?\s+correcting|circled|crossed\s+out)\b|\b(?:got|get|had)\s+(?:my\s+|the\s+|some\s+)?(?:[\w-]+\s+)"
    r"{0,3}feedback\b|\b(?:someone|somebody|a\s+(?:guy|girl|commenter))\s+(?:said|says|told\s+me|commented)\s+"
    r"(?:that\s+)?(?:my|the)\b|\b(?:my|our)\s+(?:\w+\s+)?(?P<fam>daughter|son|kids?|wife|husband|partner|mum|mom|dad|friend|mate"
    r"|flatmate|roommate|sister|brother)\s+(?:told|tells)\s+me\s+(?:that\s+)?(?:i'm|i\s+am|i\s+should|i\s+need|i\s+always|i\s+never|my)\b|\bfeedback\s+(?:came|has\s+come|is|was)\s+(?:in|back)\b|\b(?:feedback|comments|notes|marks)\s+back\s+(?:from|on)\b"
)
_PRAISE_RE = re.compile(
    r"\b(?:strong|great|good|excellent|brilliant|amazing|lovely|impressive|well\s+done|nailed"
    r"|perfect|solid|improving|improved|better|progress|that's\s+how\s+(?:you|we)\s+learn"
    r"|(?:it's|that's)\s+(?:fine|normal|okay|ok|part\s+of)|that's\s+what\s+\w+\s+(?:are|is)\s+for"
    r"|happens\s+to\s+everyone|everyone\s+does\s+(?:it|that))\b"
)
_CRITIQUE_RE = re.compile(
    r"\b(?:too|needs?|weak|unclear|improve|should|work\s+on|more|less|off|flat|wrong|issues?"
    r"|problems?|don't|doesn't|isn't|lacks?|missing|sloppy|messy|rewrite|change|enough|weird|wierd"
    r"|odd|awkward|stiff|robotic|always|never)\b"
)
_PERSON_RE = re.compile(r"\b(?:my|our|the)\s+(?:[\w-]+\s+)?(?P<who>" + "|".join(PEOPLE) + r")\b")
_BARE_PERSON_RE = re.compile(r"^(?P<who>" + "|".join(PEOPLE) + r")\b")
# "I can't do it yet", "I used to think I'm not a maths person": already the growth view.
_DISTANCING_RE = re.compile(
    r"(?:used\s+to\s+(?:think|say|believe|tell\s+myself)|no\s+longer|stopped\s+(?:thinking|saying)"
    r"|instead\s+of\s+(?:saying|thinking)|rather\s+than|stop\s+saying|not\s+that|not\s+saying"
    r"|(?:doesn't|does\s+not|don't)\s+mean)\s+(?:that\s+)?"
    r"[^.!?]*$"
)
_PAST_RE = re.compile(r"\b(?:gave|dropped)\b")
_YET_RE = re.compile(r"\byet\b(?!\s+(?:again|another))")
# "...but I'm starting to like the puzzles": the sentence turns to growth after the match.
_TURNING_RE = re.compile(
    r"\b(?:but|though|although)\s+(?:i'm|i\s+am|it's)\s+(?:starting|beginning)\s+to\s+(?:like|enjoy|get"
    r"|understand|improve|click)|\b(?:but|though)\s+(?:i'm|it's)\s+(?:getting|improving)\b"
)


@dataclass(frozen=True)
class Signal:
    pattern: Pattern
    sentence: Sentence
    topic: Topic | None
    person: str | None = None
    close: bool = False  # feedback from someone close, about how the writer lives


def growth_framed(norm: str, start: int) -> bool:
    return bool(
        _DISTANCING_RE.search(norm[:start])
        or _YET_RE.search(norm[start:])
        or _TURNING_RE.search(norm[start:])
    )


def person_in(sentences: list[Sentence], here: Sentence) -> str | None:
    for s in [here, *sentences]:
        m = _PERSON_RE.search(s.norm) or _BARE_PERSON_RE.search(s.norm)
        if m:
            return m.group("who")
    return None


def _is_gerund(phrase: str) -> bool:
    last = phrase.split()[-1]
    return len(last) > 5 and last.endswith("ing") and last not in NOT_GERUNDS


_OBJECT_RE = re.compile(
    r"\s+(?:on\s+)?(?:my|the|a|an|this|that|our|his|her)\s+(?P<obj>(?:[\w'-]+\s*){1,3})"
)


def _gives_up_a_thing(norm: str, m: re.Match[str], topic: Topic | None) -> bool:
    """ "Gave up and took the bike to the shop", "quit my gym membership": a chore or a
    purchase, not a skill. Giving up counts when it names something learnt, or nothing."""
    if topic is None and _PAST_RE.search(m.group(0)):
        return True
    obj = _OBJECT_RE.match(norm, m.end())
    return bool(obj and not vocab_topics(obj.group("obj")) and not GERUND_RE.search(obj.group(0)))


# "The podcast was about why some people are natural early risers": someone else's claim,
# not the writer's belief about themselves.
_REPORTED_RE = re.compile(
    r"\b(?:podcast|article|video|documentary|episode|study|research|book|show|talk|lecture|thread)\b"
    r"[^.!?]*\b(?:about|says|said|saying|shows?|showed|showing|claims?|claiming|reckons|explain\w*)\b"
)
_SELF_RE = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|myself)\b")
# "Told me years ago some people just aren't musical": an old put-down, not feedback to act on.
_LONG_AGO_RE = re.compile(
    r"\b(?:years\s+ago|as\s+a\s+(?:kid|child|teen)|when\s+i\s+was\s+(?:a\s+kid|little|young|younger|\d+|at\s+school)"
    r"|back\s+in\s+(?:school|primary|the\s+day)|in\s+(?:primary|secondary|high)\s+school)\b"
)


def fixed_signals(sentences: list[Sentence], vetoed: set[int] | None = None) -> list[Signal]:
    """Every fixed-mindset statement and every piece of feedback received, in order.
    ``vetoed`` collects the sentences a rule matched and then judged no mindset at all
    ("gave up on the crossword", "not a cat person"): the classifier must not overrule it."""
    found: list[Signal] = []
    veto = vetoed if vetoed is not None else set()
    for s in sentences:
        if _REPORTED_RE.search(s.norm) and not _SELF_RE.search(s.norm):
            veto.add(s.index)
            continue
        for pattern, regex in _FIXED_RES:
            for m in regex.finditer(s.norm):
                if growth_framed(s.norm, m.start()):
                    veto.add(s.index)
                    continue
                subj = m.groupdict().get("subj") or m.groupdict().get("subj2")
                if subj is not None and not vocab_topics(subj) and not _is_gerund(subj):
                    veto.add(s.index)
                    continue  # "that film is not for me" is taste, not a mindset
                topic = nearest_topic(sentences, s, m.start())
                if pattern == "comparison" and NOT_A_CONTEST_RE.search(s.norm):
                    veto.add(s.index)
                    continue  # "everyone was wearing christmas jumpers except me"
                if topic is not None and topic.text in CHORES:
                    veto.add(s.index)
                    continue  # "hopeless at packing lol" is a shrug about a chore
                if pattern == "giving_up" and _gives_up_a_thing(s.norm, m, topic):
                    veto.add(s.index)
                    continue
                person = person_in(sentences, s) if pattern == "dismiss_feedback" else None
                found.append(Signal(pattern, s, topic, person))
                break
        too_hard = _TOO_HARD_RE.search(s.norm)
        if too_hard and not growth_framed(s.norm, too_hard.start()):
            topic = nearest_topic(sentences, s, too_hard.start())
            if topic is not None and any(t == topic for _, t in vocab_topics(s.norm)):
                found.append(Signal("helpless", s, topic))
        said = _FEEDBACK_RE.search(s.norm)
        if said and _LONG_AGO_RE.search(s.norm, max(0, said.start() - 30), said.end() + 30):
            veto.add(s.index)
            continue
        if said and not (_PRAISE_RE.search(s.norm) and not _CRITIQUE_RE.search(s.norm)):
            topic = nearest_topic(sentences, s, said.start())
            person = person_in(sentences, s)
            if said.group("fam"):  # about a habit at home, not a skill: no topic slot
                topic, person = None, said.group("fam")
            found.append(Signal("feedback", s, topic, person, close=bool(said.group("fam"))))
            # "...so whatever": the feedback brushed off in the same or the next breath.
            for t in sentences[s.index : s.index + 2]:
                if _SHRUG_RE.search(t.norm):
                    found.append(Signal("dismiss_feedback", t, topic, person))
                    break
    return found


def choose(signals: list[Signal]) -> Signal | None:
    for pattern in PRIORITY:
        for signal in signals:
            if signal.pattern == pattern:
                return signal
    return None
