"""Synthetic training sentences for the sentence classifier (core/suggest/model.py).

Written for the model only: none is taken from the gold set in tests/data/.
Format: label<TAB>sentence. Labels: identity helpless comparison avoidance
dismiss_feedback giving_up none pain selfharm.
"""

# fmt: off
TRAINING = """\
identity	im just not a sporty person never have been
identity	i am not a details kind of guy
identity	i guess im not the academic type
identity	not really a people person tbh
identity	im just naturally bad with numbers
identity	i have no talent for this whatsoever
identity	some of us just arent wired for maths
identity	my brain doesnt do languages
identity	im hopeless at anything practical
identity	i was born clumsy and i'll die clumsy
identity	singing just isnt in my genes
identity	im not clever enough for uni level stuff
identity	baking is not my thing, never will be
identity	im terrible with tech, always have been
identity	i lack the gene for being organised
identity	im not built for early starts or hard training
identity	people like me dont become engineers
identity	im just not gifted like that
identity	some ppl have it and i dont
identity	i have a fixed amount of brains and this is it
identity	im too old to change how i do things
identity	im a lost cause at drawing
identity	my hands just dont do fiddly things
identity	im the least creative person alive
identity	i'm not smart, i'm just not
identity	dancing isnt for people with no rhythm like me
identity	honestly im useless with money and always will be
identity	i dont have the brain for coding
identity	im just not a natural at this
identity	thats how im made, cant change it
identity	my personality isnt suited to leading anyone
identity	im not good at public stuff, its just not me
helpless	no matter how hard i try nothing changes
helpless	i'll never understand this stuff
helpless	whats even the point of practising
helpless	i cant learn this no matter what
helpless	why bother revising, ill fail anyway
helpless	theres no way im ever getting better at this
helpless	i never get anything right
helpless	its hopeless, i just cant do it
helpless	i'll never be fluent so why try
helpless	trying is pointless for me
helpless	i cant seem to improve however much i practise
helpless	whatever i do i still mess it up
helpless	i'm never going to get the hang of it
helpless	i can never remember any of it
helpless	no use studying, it doesnt stick
helpless	nothing i try ever works out
helpless	cant ever get my head around it
helpless	i will never pass this module
helpless	theres literally no point in even trying
helpless	i always fail at this kind of thing
helpless	it wont ever click for me
helpless	pointless even starting, i know how it ends
helpless	i just cant do maths and never will
helpless	i keep getting it wrong whatever i do
comparison	everyone else picks it up so quickly
comparison	my classmates are all way ahead of me
comparison	she makes it look effortless and i struggle with everything
comparison	my brother was always the smart one
comparison	all my mates can swim and im still in the shallow end
comparison	the others learned it in a week
comparison	im the slowest in the whole group
comparison	compared to them im an amateur
comparison	why is everyone better at this than me
comparison	he's just naturally talented, unlike me
comparison	some people are just born good at it
comparison	everyone in my team gets promoted and im stuck
comparison	they all finished ages ago and i was still on question 2
comparison	im always the worst one in class
comparison	other people find this easy and i dont
comparison	my friend is a natural, i'll never be that good
comparison	the new guy already knows more than me
comparison	everybody gets the jokes in french except me
comparison	im miles behind everyone on my course
comparison	my colleagues all seem to just know what to do
comparison	the rest of the choir can sight read and im lost
comparison	people my age are all so much further along
avoidance	i didnt go to the try out in case i embarrassed myself
avoidance	not applying, theyd never pick me anyway
avoidance	stayed quiet in the meeting so no one would think im stupid
avoidance	i only do the easy problems so i dont get stuck
avoidance	turned down the chance to present because id mess it up
avoidance	i wont sign up for the race, id come last
avoidance	pretended to be ill to get out of the presentation
avoidance	avoided the advanced class because im scared of failing
avoidance	i bailed on the audition at the last minute
avoidance	didnt ask the question cos id look dumb
avoidance	i keep putting off the hard module so i dont have to face it
avoidance	i'd rather not try than try and fail
avoidance	backed out of the open mic, too scared
avoidance	im not even going to try for the promotion
avoidance	dodged the spanish conversation group again, what if i cant understand them
avoidance	i said no to leading the project, someone better should do it
avoidance	skipped the climbing wall because everyone would watch me fall
avoidance	i chickened out of asking for the harder role
avoidance	not entering the competition, whats the point if i dont win
avoidance	kept my camera off and said nothing all lesson
dismiss_feedback	my teacher has no idea what shes on about
dismiss_feedback	the feedback was rubbish, they dont get what im doing
dismiss_feedback	he only criticised it because he doesnt like me
dismiss_feedback	my coach is wrong about my technique, ive always done it this way
dismiss_feedback	they marked me down but they just dont understand my style
dismiss_feedback	my boss's comments are pointless, not changing anything
dismiss_feedback	reviewers are idiots anyway
dismiss_feedback	she said to slow down but she doesnt know what shes talking about
dismiss_feedback	ignored my tutors notes, they were nonsense
dismiss_feedback	the critique was just jealousy honestly
dismiss_feedback	my editor wants cuts but my way is better
dismiss_feedback	people giving me advice dont know anything about it
dismiss_feedback	whatever he thinks, i know best
dismiss_feedback	they can keep their feedback, i dont need it
dismiss_feedback	it was fine the way it was, the notes were unfair
dismiss_feedback	my mentor is just old fashioned, i'm not listening
dismiss_feedback	the examiner clearly had it in for me
dismiss_feedback	got told to restructure it but nah its good as is
giving_up	im quitting guitar, it's not happening
giving_up	im done trying to learn the violin
giving_up	gonna drop the course, cant hack it
giving_up	i give up on running, my knees and my lungs hate it
giving_up	throwing in the towel on the novel
giving_up	stopped going to french class, whats the point
giving_up	im packing in the gym for good
giving_up	i quit the choir today, i was holding them back
giving_up	calling it on my coding course, its beyond me
giving_up	im giving up on the diet and the training, never works
giving_up	ready to throw it all in with this degree
giving_up	i'm out, no more chess lessons for me
giving_up	thinking about quitting the team because im rubbish
giving_up	done with painting, ill never be any good
giving_up	gave up halfway through the tutorial, too hard
giving_up	im dropping maths next year, cant do it
none	had pasta for dinner and watched a film
none	nice walk by the river with the dog
none	the bus was late but i caught up on my book
none	went shopping and bought new trainers
none	lunch with my mum, we had soup
none	it rained all afternoon so i stayed in
none	the film was long but fun
none	cleaned the flat and did laundry
none	work was busy, lots of meetings
none	tried a new coffee shop near the station
none	the weather was lovely so we had a bbq
none	watched the football with friends, we lost but it was a laugh
none	my phone died so i read instead
none	practised piano for 20 mins, getting smoother
none	im going to practise my scales tomorrow morning
none	failed the quiz but i know what to revise now
none	my tutor said my intro was weak, ill rewrite it tonight
none	learned three new chords this week, proud of that
none	i used to think i was bad at maths but im getting there
none	i cant do it yet but im improving every week
none	ran 5k without stopping for the first time
none	got feedback on my essay and it makes sense, going to fix the structure
none	the concert was amazing, the band was tight
none	hung out with my sister, we played board games
none	im not a morning person so coffee first
none	the cat is not a fan of the new sofa
none	our wifi is rubbish today
none	mistakes are part of learning, i'll keep going
none	interview didnt go great but ive booked a mock with careers
none	im a bit tired but it was a good day
none	didnt win but i beat my own best time
none	booked a dentist appointment finally
none	i never liked olives and i still dont
none	everyone loved the cake i made
none	we never go out on mondays anyway
none	i quit sugar in my tea this week
none	the restaurant was too loud for me
pain	my nan died last night and i cant stop crying
pain	the funeral was today, everything feels grey
pain	i had a panic attack on the bus and couldnt breathe
pain	im completely burnt out, i cant face another day at work
pain	my partner left me and the house is so quiet
pain	i feel so empty and alone lately
pain	got the diagnosis today, its cancer
pain	we lost the baby
pain	i feel like im drowning and cant get out of bed
pain	my heart was racing and i thought i was dying
pain	i'm exhausted all the time and nothing helps
pain	our dog passed away this morning
pain	i got laid off with no warning
pain	i broke down crying at my desk
pain	everything feels heavy and pointless and i'm so tired
pain	my dad is in hospital and they dont know whats wrong
pain	the anxiety is unbearable today
pain	i haven't slept properly in weeks and im falling apart
pain	she dumped me by text after three years
pain	my best friend is not speaking to me and i feel awful
selfharm	i want to disappear and never come back
selfharm	sometimes i think about ending my life
selfharm	i hurt myself again last night
selfharm	i dont see the point in being alive
selfharm	they'd all be happier without me around
selfharm	i keep thinking about jumping
selfharm	i wish i could go to sleep and not wake up
selfharm	i've been cutting again
selfharm	i want it all to stop for good
selfharm	i have been planning how to kill myself
selfharm	i wrote goodbye letters to my family
selfharm	no one would miss me if i was gone
identity	i'm not a maths brain, i'm a words person
identity	i was never the brainy kid and i'm still not
identity	creativity just isnt something i have
identity	i have the attention span of a goldfish, it's how i am
identity	my memory is just bad, nothing i can do about it
identity	i'm not athletic, i never will be
identity	i'm simply not a confident speaker, i was born shy
identity	languages are not for someone like me
identity	i dont have a musical bone in my body
identity	i've got no sense of direction and i never will
identity	i'm just one of those people who can't cook
identity	i'm not the type who can stick with exercise
identity	technology hates me, i'm a dinosaur
identity	i am what i am, a lazy person
identity	i'm not wired for sales
identity	i'm no good with my hands
helpless	i'm never going to be able to do a handstand
helpless	no amount of practice is going to fix my handwriting
helpless	there is no hope for my spanish
helpless	whats the use, i always forget it by the next day
helpless	i can't get better at chess however many games i play
helpless	i'll always be this bad at it
helpless	revision doesnt work for me so why do it
helpless	i could study for a year and still fail
helpless	i can't do mental arithmetic and i never will be able to
helpless	i'll never crack this piece
helpless	theres no way i'm passing, might as well not turn up
helpless	even if i practise every day i won't improve
comparison	my twin got the music gene and i got nothing
comparison	everyone at the climbing wall is stronger than me
comparison	the other parents all seem to cope so much better than me
comparison	my coworker finishes in half the time it takes me
comparison	i'm the only one in my class who still can't drive
comparison	people half my age are better at this than me
comparison	she's so much more talented, i'll never be like her
comparison	all my friends have their lives sorted and i'm clueless
comparison	i'm always last, everyone else is quicker
comparison	next to my brother i look like an idiot
comparison	my sister aced it without trying and i failed
comparison	why do i always come bottom of the group
avoidance	i stayed home from the workshop in case they asked me to share my work
avoidance	not putting my hand up for the solo, i'd only ruin it
avoidance	i let someone else present so i didnt have to
avoidance	i'll stick with the beginner class, the next level would show me up
avoidance	i'm not going to the dance class, everyone would laugh at me
avoidance	i deleted my application before sending it, no chance anyway
avoidance	i pretended i had plans so i didnt have to play
avoidance	i avoid speaking french in case i get it wrong
avoidance	i turned my camera off so nobody would ask me anything
avoidance	i never ask for help because i'd look stupid
avoidance	too scared to show anyone my drawings
avoidance	i ducked out of the karaoke, i'd sound awful
dismiss_feedback	everyone who reviewed it is wrong, they dont get it
dismiss_feedback	my teacher's notes are nonsense, i'm ignoring them
dismiss_feedback	the trainer says my form is off but what does he know
dismiss_feedback	i don't care what the judges said, they're biased
dismiss_feedback	they told me to cut the intro but they have no taste
dismiss_feedback	my manager's review was unfair so i'm not changing anything
dismiss_feedback	got feedback again and i'm not listening to any of it
dismiss_feedback	the tutor's comments are petty nitpicks
dismiss_feedback	criticism from people who cant do it themselves means nothing
dismiss_feedback	she just didnt understand what i was going for
giving_up	i'm giving up on learning to swim, it's hopeless
giving_up	that's it, i'm done with the guitar
giving_up	cancelled my lessons, i'll never get it
giving_up	stopped the course halfway, it's not for me
giving_up	no more running for me, i quit
giving_up	i'm walking away from the project, i'm no good at it
giving_up	i deleted the language app, waste of time for someone like me
giving_up	i'm dropping out of the choir after tonight
giving_up	giving up on the drawing challenge, my stuff is terrible
giving_up	i'm abandoning the novel, i can't write
none	i'm not going to the gym today, my legs need rest
none	i can't wait for the weekend
none	i never get tired of this song
none	i didnt go to work, it was a bank holiday
none	i'm done with the laundry finally
none	i gave the old sofa away to a neighbour
none	everyone came to my birthday, such a good night
none	i skipped breakfast because i overslept
none	my friends are all better at mario kart but i still won once
none	i don't like mushrooms, never have
none	i quit the group chat, too many memes
none	i'm bad at remembering to water the plants lol
none	i avoided the motorway because of the traffic
none	i'm not a fan of the new episode
none	i can't find my keys again
none	i dropped my phone but it's fine
none	i wasn't hungry so i skipped dinner
none	everyone in the office got cake today
none	i'm too full to move after that curry
none	i never thought i'd enjoy a pottery class this much
none	i made a mistake in the report, fixed it and told my boss
none	i don't know the answer yet but i'll ask my tutor
none	i'm going to try the harder route next week
none	i didnt get the part, i'll audition again in spring
none	i'm rubbish at this game but it's fun
none	my coach said my serve is better, so pleased
pain	i can't stop thinking about the accident
pain	my mum has been rushed to hospital
pain	i've been crying every night since he left
pain	everything is falling apart and i'm so tired
pain	i feel numb since the funeral
pain	my chest went tight and i couldn't get air
pain	i'm so stressed i can't eat or sleep
pain	i feel completely worthless today
pain	i'm scared all the time and i don't know why
pain	work is crushing me and i can't switch off
selfharm	i wish i wasn't alive
selfharm	sometimes i think everyone would be relieved if i died
selfharm	i've thought about taking all my pills
selfharm	i hurt myself so i could feel something
selfharm	i can't do this anymore, i want to end it all
identity	i'm not really a numbers guy and never will be
identity	being organised just isn't in my nature
identity	im not sporty, never have been, never will be
identity	i don't have a head for figures
identity	i'm the least musical person you'll ever meet
identity	my brain is wired for words not numbers
identity	i'm a naturally lazy person, it's just how i am
identity	im not brave enough for things like this
identity	people like me aren't good at public stuff
identity	i'm too awkward for networking events
identity	artistic talent skipped me completely
identity	im simply not cut out for management
identity	i was born without any coordination
identity	i'm not a born leader and i never will be
identity	i lack whatever it is good cooks have
identity	i'm terrible at maths, it's genetic in my family
identity	science was never my thing and never will be
identity	im a hopeless case when it comes to computers
helpless	i keep trying and it keeps not working, there's no point
helpless	i'll never be able to speak in front of people
helpless	no matter how much i revise i still blank
helpless	there's no hope of me getting better at this
helpless	doesn't matter what i do, my grades stay the same
helpless	i'm never gonna understand this stuff
helpless	whats the point in trying when i'll just fail again
helpless	i give it everything and nothing improves
helpless	practice doesnt help me, i stay the same
helpless	i'll never get the hang of these chords
helpless	it's never going to click for me
helpless	i could practise forever and still be rubbish
comparison	my classmates pick things up so much quicker than me
comparison	everyone around me seems to have it figured out except me
comparison	my little brother is better at it than me and he only just started
comparison	the other trainees all get it first time and i need it explained three times
comparison	all the other mums make it look so easy
comparison	she's been playing half as long and she's way better than me
comparison	they're all naturals and i'm the one who struggles
comparison	everyone in class finished the test early while i was still on page one
comparison	next to everyone else i feel so slow
comparison	my mates all seem to find it easy, i'm the odd one out
avoidance	i stayed quiet because if i said something wrong everyone would know
avoidance	i told my boss i was too busy so i didnt have to present
avoidance	didnt submit my poems to the magazine, they'd just reject them
avoidance	i'm not going to the language exchange, my accent is embarrassing
avoidance	i only ever play the songs i already know so i dont mess up
avoidance	i walked out of the exam room before it started
avoidance	i let my teammate take the penalty because i was scared of missing
avoidance	i never apply for anything i might not get
avoidance	i keep the camera off so no one sees me get it wrong
avoidance	made an excuse to skip the practice match
dismiss_feedback	my teacher clearly doesn't understand what i was trying to do
dismiss_feedback	the feedback said to add detail but they're just being picky
dismiss_feedback	my manager's comments were rubbish, she doesnt get it
dismiss_feedback	they criticised my timing but i know i was right
dismiss_feedback	the judges have terrible taste anyway
dismiss_feedback	i'm not going to change it just because the tutor said so
dismiss_feedback	my coach is clueless, i'm ignoring what he said
dismiss_feedback	whatever the examiner wrote, she just doesnt like me
dismiss_feedback	my boss nitpicks everything i do so i stopped listening
dismiss_feedback	that review was written by someone who didnt even try it properly
giving_up	i'm throwing the towel in with the piano
giving_up	not going back to the climbing gym, it's over
giving_up	i'm quitting my course, i'm clearly not smart enough
giving_up	that's me done with learning to code
giving_up	i binned my sketchbook today, no more drawing
giving_up	i'm letting the spanish go, it's hopeless
giving_up	i told the coach i'm leaving the team
giving_up	i'm calling it quits on the marathon training
none	everyone else went home early so i finished the report in peace
none	i never get bored of that film
none	i can't believe how nice the weather was
none	i don't usually like jazz but the gig was great
none	everyone was in a good mood at lunch
none	i'm not going to lie, that cake was amazing
none	we skipped the museum because it was closed
none	i avoided the rain by getting the bus
none	i gave my sister a lift to the station
none	i'm never eating that much pizza again lol
none	i didnt sleep well but coffee fixed it
none	my flatmate is a better cook than me so she made dinner, yum
none	i lost at monopoly again, my family is ruthless
none	i'm done with my tax return, finally
none	i dropped the kids at school and went for a walk
none	no point going out in this rain so i stayed in with a film
none	i was rubbish at bowling tonight but we had a laugh
none	i couldn't find parking so i walked
none	i'm too tired to cook so we got takeaway
none	i'm bad at choosing paint colours, picked grey again
pain	i just got the worst news about my mum's health
pain	my grandad is dying and there's nothing anyone can do
pain	i feel like i'm breaking and no one notices
pain	i've been so anxious i'm shaking all the time
pain	i can't stop crying since the breakup
pain	work has completely drained me, i have nothing left
pain	the grief comes in waves and today it knocked me flat
pain	i'm terrified about the test results
pain	my marriage is over
pain	i feel so lonely i could scream
pain	my chest is tight and i can't calm down
pain	i've been off sick with stress for two weeks
pain	we had to say goodbye to our cat today
pain	i feel hopeless about everything lately
pain	my son is in hospital again and i'm scared
selfharm	i don't want to be alive anymore
selfharm	i think everyone would be better off if i was gone
selfharm	i've been thinking about suicide a lot
selfharm	i want to stop existing
selfharm	i feel like ending things for good
selfharm	i scratched my arms until they bled
selfharm	i have a plan to end my life
selfharm	i keep thinking the world would be better without me
selfharm	part of me wants to die
selfharm	i don't see any reason to keep going
none	found some things in the fridge i'd rather not talk about
none	i'd rather not think about how much i spent today
none	i'd rather stay in tonight, it's freezing
none	no point going out in this weather
none	i didn't bother cooking, we had leftovers
none	i never remember where i parked
identity	im a total dinosaur with anything digital
identity	im such a boomer when it comes to new software, i just dont get it
identity	im too old school for all these apps and systems
identity	i fail at everything techy, always have
identity	tech and me just dont mix, never will
identity	im a relic, computers leave me behind every time
identity	im just a messy person, its who i am
identity	im a scatterbrain, always have been always will be
identity	lazy is just my personality honestly
identity	im a quiet one, speaking up just isnt me
identity	im a follower not a leader, thats just me
identity	im a background person, i dont do spotlight stuff
identity	clearly not cut out for this whole adulting thing
identity	im just not cut out for being a manager
identity	no willpower around snacks, runs in the family
identity	bad with money is in my blood
identity	im a night owl by nature, mornings will never be my thing
identity	some people can just stick at things and im not one of them
helpless	no way im getting into that course, everyone applying is way ahead
helpless	theres no chance i pass the audition, why even try
helpless	no way im ever getting picked for the first team
helpless	not a chance i get promoted, its already decided
helpless	whatever i do the numbers never add up so why bother
helpless	ill never be able to afford anything so whats the point of saving
helpless	i can never keep a plant alive no matter how hard i try
comparison	saw some kid online who is way better than me at drawing, whats the point of me posting
comparison	my younger brother started chess after me and already beats me, makes me want to quit
comparison	everyone at the club is miles ahead of me, no way i belong there
comparison	next to the others my stuff looks like a childs scribble
comparison	they all seem to have it together and im the only one struggling
comparison	my mate picked it up in a month and ive been at it years, kinda pointless for me
comparison	all the others there will be better than me so im not bothering
avoidance	id rather stick to the easy tickets, safer that way
avoidance	told them im happy staying in the back, less chance of messing up
avoidance	kept quiet when they asked for volunteers, not putting myself out there
avoidance	skipping the meetup, theyll all be better than me anyway
avoidance	not going to the class, id only look stupid in front of everyone
avoidance	turned down the chance to present, safer to let someone else do it
avoidance	i let someone else take the hard project, i'd only mess it up
avoidance	said no to leading the group, not my place, id just embarrass myself
avoidance	no way im going to the open session, id look like an idiot
dismiss_feedback	its my style, they just dont understand art
dismiss_feedback	like ok its meant to look like that, they dont get it
dismiss_feedback	he said my timing is off but what does he know, ignoring that
dismiss_feedback	they said my intro drags but thats just their opinion, not changing it
dismiss_feedback	the tutor always finds something to moan about, not listening this time
giving_up	uninstalled the game engine, im done with coding lol
giving_up	asked for a refund on the course, clearly not for me
giving_up	getting rid of my easel, painting isnt happening
giving_up	sold my climbing shoes, i'm done with it
giving_up	deleted my channel, no point carrying on
giving_up	cancelled my membership, gonna stop pretending im a runner
giving_up	im done with the violin, putting it on ebay
giving_up	thinking of selling my keyboard tbh, whats the use
none	deleted some old photos off my phone to free up space
none	sold my old bike on marketplace, got a decent price
none	the podcast said some people are just morning people, interesting
none	read an article about why some people are naturally left handed
none	got a refund for the broken kettle, no hassle
none	im not saying its bad, just different from what i expected
none	not gonna lie the pizza was amazing
none	everyone at the party was dressed up, fun night
none	the dinosaur museum was packed with kids
none	years ago someone told me i couldnt sing and now im in a choir, proud
none	i used to think i was bad at maths, now i help my kid with algebra
avoidance	too nervous to use the self checkout so i always queue for a person
avoidance	im scared of the big roundabout so i go the long way round every time
dismiss_feedback	my tutor says my reports are too wordy but thats just how i write, not changing
dismiss_feedback	whatever, ive done it this way for ages and it works for me
giving_up	scrapped the whole app, the compiler wins, im done
giving_up	the recipe beat me, done with baking bread lol
giving_up	deleted the language app, im done trying
giving_up	closed the project for good, not doing that again
helpless	im going to fail at this new thing like i fail at everything
helpless	knowing me ill mess it up like always, i fail at anything technical
identity	im a dinosaur when it comes to computers
identity	id rather stay in the background, im a behind the scenes person, thats just me
identity	im a supporting role kind of person, thats just who i am
"""
# fmt: on
