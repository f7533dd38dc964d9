/**
 * Hashed n-gram features shared by the classifier and its trainer (src/train/), so training and
 * inference featurise identically.
 *
 * Three groups, each scaled on its own so long texts do not dominate:
 * - character 3-, 4- and 5-grams of the lower-cased normalised text (scaled by 1/sqrt(count));
 * - word uni- and bigrams (scaled by 1/sqrt(count));
 * - cue features (scale 1): who the text addresses and how (see {@link CUES}). N-grams learn the
 *   vocabulary of the training sources; cues carry the structure that transfers to unseen ones
 *   (issue 20: "imperative toward the model" versus "content about instructions").
 * Everything is hashed (FNV-1a + murmur3 finaliser) into 2^FEATURE_BITS buckets.
 */
// Rules and cues read normalised text: sources written as a language is spelt are folded alike.
import { foldLikeNormalised as fold } from '../normalise/normalise-text.js';

/** log2 of the number of hash buckets. */
export const FEATURE_BITS = 18;
/** Number of hash buckets. */
export const FEATURE_DIM = 1 << FEATURE_BITS;
const MASK = FEATURE_DIM - 1;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const WORD_SEED = 0x5bd1e995;
const BIGRAM_SEED = 0x27d4eb2d;
const CUE_SEED = 0x3c6ef372;

/**
 * Features of one text: `indices[0..charCount)` are character n-grams, the next `wordCount` word
 * n-grams, the last `cueCount` cue features.
 */
export interface TextFeatures {
  readonly indices: Int32Array;
  readonly charCount: number;
  readonly wordCount: number;
  readonly cueCount: number;
}

// Harm lexicon: objects and acts whose how-to is harmful whoever asks. Written for this project
// from general knowledge of harm categories (weapons, drugs, intrusion, fraud, violence, abuse,
// disinformation), not learned from a dataset; the trained weights decide what a match is worth,
// and the "safe but dangerous-sounding" benign rows (kill a process, shoot a photo) teach the
// model that a lone verb is not enough.
const HARM_TOPIC =
  "(?:pipe bombs?|nail bombs?|car bombs?|bombs?|explosives?|detonators?|napalm|nerve agents?|sarin|ricin|anthrax|bio-?weapons?|chemical weapons?|untraceable (?:guns?|firearms?|weapons?)|ghost guns?|silencers?|methamphetamine|meth|crack cocaine|fentanyl|heroin|ransomware|keyloggers?|malware|trojans?|rootkits?|botnets?|ddos|spyware|stalkerware|phishing (?:e-?mails?|pages?|sites?|kits?|campaigns?|messages?)|reverse shells?|exploits?|zero-days?|credential stuffing|brute-?forc(?:e|ing)|money laundering|launder(?:ing)? (?:money|cash|the money)|counterfeit (?:money|bills|currency|notes)|fake (?:ids?|passports?|identity cards?|invoices?|news)|stolen (?:credit )?cards?|credit card (?:numbers|fraud)|identity theft|child (?:sexual|porn\\w*|abuse material)|suicide methods?|self-harm|disinformation|propaganda|hate speech|poison(?:ing)? (?:someone|somebody|a person|people|my|his|her|the (?:dog|neighbou?r))|kill(?:ing)? (?:someone|somebody|a person|people|my (?:wife|husband|neighbou?r|boss|parents?|teacher))|murder(?:ing)? (?:someone|somebody|a person|people|my)|without (?:leaving|getting) (?:evidence|a trace|caught)|get away with (?:murder|it)|dispose of (?:a|the) body|hack(?:ing)? into|break into (?:someone|somebody|my (?:ex|wife|husband|neighbou?r|boss)|her|his|their|a) ?'?s? (?:account|e-?mail|phone|computer|network|wi-?fi|house|car)|steal(?:ing)? (?:passwords|credentials|cookies|credit cards?|identities|someone'?s|data|money|a car)|spy on (?:my|her|his|someone)|stalk(?:ing)? (?:someone|her|him|my)|track (?:someone|her|him|my \\w+)'?s? (?:location|phone)|without (?:them|her|him|anyone|the victim) (?:knowing|noticing)|blackmail\\w*|extort\\w*|bribe\\w*|smuggl\\w*|traffick\\w*|forg(?:e|ed|ery|ing) (?:a |the )?(?:signature|documents?|checks?|cheques?|passports?|ids?)|pirated (?:movies|software|games)|crack(?:ed)? (?:software|licen[cs]e keys?)|doxx?(?:ing)?|revenge porn|deepfake (?:porn|nudes)|nudes of|underage|groom(?:ing)? (?:a |the )?(?:child|minor|kid)|overdose on|starve (?:myself|yourself)|cut myself|end my life|kill myself|hurt myself|racial slurs?|ethnic cleansing|terror(?:ist)? attacks?|mass shootings?|school shootings?|assassinat\\w*|kidnap\\w*|tortur(?:e|ing) (?:someone|a person|people|an animal|animals)|arson|set fire to|burn down|vandali[sz]\\w*|shoplift\\w*|pickpocket\\w*|rob (?:a|the) (?:bank|store|shop|house)|burglar\\w*|insurance fraud|tax evasion|evade taxes|embezzl\\w*|insider trading|ponzi|pyramid scheme|scam (?:people|someone|the elderly|elderly)|fake reviews|defam\\w*|slander\\w*|cockfight\\w*|dogfight\\w*)";
const HARM_REQUEST =
  '(?:how (?:do|can|could|would|should|might) (?:i|we|one|someone|you|people)|how to|ways? to|steps? to|step[- ]by[- ]step|guide (?:to|for|on)|instructions (?:for|on|to)|tutorial|write|create|generate|give me|tell me|explain how|teach me|help me|best way to|easiest way to|make|build|code (?:for|that)|script (?:for|that))';

// Broader harm vocabulary: words that name a hazard but also turn up in ordinary text (a game's
// weapons, a doctor's drugs, a pentest report's payloads). A cue of its own, so the weights can
// give it less than HARM_TOPIC; with a request form (below) it is a separate, stronger cue.
const HARM_BROAD =
  '(?:weapons?|firearms?|handguns?|guns?|rifles?|ammunition|grenades?|molotov|improvised explosive|ieds?|pathogens?|toxins?|poisons?|bioterror\\w*|ebola|smallpox|mustard gas|toxic gas|drugs?|narcotics?|opioids?|cocaine|mdma|lsd|controlled substances?|illegal(?:ly)?|illicit|black market|dark ?web|darknet|chop shops?|stolen|trafficking|brothels?|prostitut\\w*|sql injection|xss|cross-site scripting|privilege escalation|remote code execution|buffer overflow|shellcode|payloads?|backdoors?|password crack\\w*|crack(?:ing)? (?:passwords?|hashes|wi-?fi|wpa2?)|bypass(?:ing)? (?:antivirus|anti-virus|edr|authentication|2fa|mfa|captcha|drm|paywalls?|licen[cs]e checks?)|vulnerabilit(?:y|ies)|man-in-the-middle|session hijack\\w*|sim swap\\w*|credential harvest\\w*|slurs?|inferior (?:race|people)|subhuman|supremac\\w*|genocide|holocaust|jihad\\w*|radicali[sz]\\w*|extremis\\w*|manifesto|suicid\\w*|anorexi\\w*|purging|minors?|harass\\w*|bully(?:ing)?|intimidat\\w*|threatening (?:messages?|letters?|notes?)|swatting|scams?|fraud\\w*|phishing|counterfeit\\w*|forged|launder\\w*|evade (?:taxes|sanctions)|misinformation|conspiracy theor\\w*|hoax|fake news|cheat(?:ing)? on (?:an? |the )?(?:exam|test)|plagiari[sz]\\w*|explicit sexual|sexually explicit|porn\\w*)';

// The same two lexicons in the other languages the data covers little (issue 20: non-English
// attacks). Diacritics are already stripped by normaliseText. They extend the English cues rather
// than forming their own, so what the weights learn from English rows carries over.
const HARM_TOPIC_INTL =
  "(?:bomben?|sprengstoff\\w*|sprengsatz|schusswaffen?|vergiften|umbringen|ermorden|schadsoftware|erpress\\w*|geldwasche|falschgeld|kinderporno\\w*|selbstmord|bombes?|explosifs?|empoisonner|assassiner|logiciel malveillant|rancongiciel|blanchi(?:r|ment) (?:d'argent|de l'argent|l'argent)|fausse monnaie|faux papiers|pedopornograph\\w*|bombas?|explosivos?|envenenar|asesinar|secuestrar|lavado de dinero|lavar dinero|dinero falso|pornografia infantil|esplosiv[oi]|avvelenare|uccidere)";
const HARM_BROAD_INTL =
  '(?:waffen?|drogen|rauschgift|kokain|hacken|betrug\\w*|suizid|armes?|drogues?|pirater|arnaque\\w*|fraude\\w*|suicide|armas?|drogas?|cocaina|metanfetamina|veneno|hackear|piratear|estafa\\w*|suicidio|droga)';
// Scripts without word boundaries in JavaScript regexps (Chinese, Japanese, Russian stems).
const HARM_TOPIC_CJK =
  '(?:炸弹|炸药|爆炸物|爆弾|爆発物|毒品|冰毒|麻薬|覚醒剤|毒药|毒薬|投毒|杀人|殺す|恶意软件|勒索软件|マルウェア|ランサムウェア|洗钱|資金洗浄|自杀|自殺|бомб|взрывчатк|наркотик|отрав|убить|вредонос)';
const HARM_BROAD_CJK = '(?:枪支|武器|銃|黑客|入侵|ハッキング|木马|诈骗|詐欺|伪造|偽造|оружи|взлом)';
const HARM_REQUEST_INTL =
  '(?:wie (?:kann|konnte|baue|mache|bekomme|stelle|finde) (?:ich|man)|anleitung (?:fur|zum|zur)|schritt fur schritt|schreib(?:e)? (?:mir )?(?:ein|eine)|erklar(?:e)? (?:mir )?wie|gib mir|comment (?:faire|fabriquer|puis-je|peut-on|on)|explique(?:-moi)? comment|etape par etape|ecris(?:-moi)?|donne(?:-moi)?|guide pour|como (?:hacer|fabricar|puedo|se puede|preparar|conseguir)|paso a paso|escribe(?:me)?|dame|explica(?:me)? como|instrucciones para|come (?:fare|costruire|posso))';
const HARM_REQUEST_CJK =
  '(?:如何|怎么|怎样|教我|步骤|どうやって|作り方|方法を教えて|手順|как (?:сделать|изготовить|приготовить|получить))';

// Issue 20, harmful requests in ordinary words: the harm is the intent or the topic, not a
// lexicon object ("get back at my ex so she loses her job", "which cleaners mixed make the worst
// fumes", "a post saying the vaccine has microchips"). Written for this project from general
// knowledge of how such requests are phrased; each family is its own cue so the weights can price
// it, and one joint cue marks a family inside a request form.
const PERSON =
  "(?:him|her|them|someone|somebody|some(?:one|body)'s|his|their|my (?:ex|ex-?(?:wife|husband|girlfriend|boyfriend|partner)|wife|husband|girlfriend|boyfriend|partner|neighbou?rs?|boss|manager|supervisor|co-?workers?|colleagues?|roommates?|flatmates?|landlord|tenant|teacher|classmate|step(?:dad|mom|mum|father|mother|sister|brother)|sister|brother|mother-in-law|father-in-law|in-laws|rival|bully|cousin|uncle|aunt|parents?|dad|mom|mum|son|daughter|kids?|ex's))";
const HARM_INTENT = `(?:get (?:back at|even with|revenge on)|take revenge on|revenge on (?:my|him|her|them)|make (?:${PERSON}|(?:his|her|their) life) (?:suffer|pay|regret|miserable|a living hell|hell|cry|sick|ill|disappear)|ruin(?:ing)? (?:${PERSON}|his|her|their) (?:\\w+ )?(?:life|career|reputation|marriage|business|relationship|credit)|destroy(?:ing)? (?:his|her|their|${PERSON}) (?:life|career|reputation|marriage|business)|(?:get|have) (?:${PERSON}) (?:fired|evicted|deported|arrested|expelled|kicked out)|(?:lose|loses|lost) (?:his|her|their) (?:job|custody|license|licence|kids)|teach (?:him|her|them|${PERSON}) a lesson|looks? like (?:an accident|a suicide|natural causes|an overdose|self-defen[cs]e)|without (?:him|her|them|anyone|my \\w+|the (?:owner|police|teacher|school|parents?)) (?:knowing|finding out|noticing|realizing|realising|suspecting)|(?:spike|lace|dose) (?:his|her|their|someone'?s|my \\w+'?s?) (?:\\w+ )?(?:drinks?|food|coffee|tea|meal)|(?:drug|roofie) (?:${PERSON})\\b|slip (?:something|\\w+ pills?|drugs|it|\\w+) into (?:his|her|their|someone'?s|my \\w+'?s?) (?:drinks?|food|coffee|tea|meal)|(?:hurt|harm|injure|beat up|scare|frighten|terrori[sz]e|torment|humiliate|punish|stab|strangle|choke|poison|sabotage) (?:${PERSON})\\b|without leaving (?:marks|bruises|a mark|evidence|traces?)|(?:maximum|most|lots of|mass) (?:casualties|deaths|damage to people|people (?:hurt|killed))|(?:strongest|most toxic|most poisonous|most lethal|most dangerous|deadliest|worst|nastiest) (?:gas|gases|fumes|smoke|poisons?|mixture|chemicals?|combination|cocktail|concoction)|(?:mix|mix up|mixing|combine|combining)[^.?!\\n]{0,40}?to (?:make|create|produce|get|release) (?:a |some )?(?:toxic|poison|deadly|lethal|gas|fumes|explo\\w+)|(?:torture|hurt|poison|kill|drown|starve|abuse|beat) (?:a |the |my |our |his |her |their |(?:my )?neighbou?r'?s'? |stray )?(?:cats?|dogs?|puppy|puppies|kittens?|pets?|animals?|horses?)\\b|(?:beat|hit|slap|whip|punish)(?:ing)? (?:my |a |the )?(?:wife|girlfriend|kids?|child|children|son|daughter|baby|toddler)[^.?!\\n]{0,30}?(?:without|so (?:it|they|he|she) (?:doesn'?t|don'?t|won'?t)|belt|hard|marks)|(?:bring|take|sneak|carry) (?:a |my |the )?(?:gun|knife|weapon|rifle|pistol|bomb)s? (?:in)?to (?:school|class|work|church|the office|a concert)|shoot up (?:a |the |my )?(?:school|church|mall|office|concert|crowd)|(?:have sex|sleep|hook up) with (?:\\w+ ){0,2}?(?:drunk|passed out|unconscious|asleep|sleeping|my (?:student|patient|client)|a minor)|without (?:her|his|their) consent|non-?consensual\\w*|upskirt\\w*|(?:nudes?|naked (?:photos?|pics?|pictures?)|intimate (?:photos?|pics?|videos?)) of (?:my |her|his|an? |someone|a classmate|a coworker)|(?:share|post|leak|send|sell)(?:ing)? (?:\\w+ ){0,2}?(?:nudes|naked|intimate|explicit|sex) (?:photos?|pics?|pictures?|videos?|tapes?)|(?:pressure|force|coerce|guilt|talk)(?:ing)? (?:\\w+ ){0,2}?(?:into|to) (?:having |have )?sex|get rid of (?:the )?(?:evidence|body|bodies|witness(?:es)?|murder weapon|blood ?stains?)|(?:personal|private) (?:information|info|details|data|photos|records) (?:about|of|on) (?:someone|my \\w+|her|him|them|a (?:person|coworker|stranger|celebrity|classmate))|(?:culture|grow|weaponi[sz]e|aerosoli[sz]e|spread|release|disperse)(?:d|ing)? (?:\\w+ ){0,2}?(?:bacteria|viruses|virus|pathogens?|spores|toxins?|radioactive \\w+|nerve agents?) (?:in|into|on|at|among|through|across) |dirty bombs?|(?:enrich|obtain|buy|steal)(?:ing)? (?:\\w+ ){0,2}?(?:uranium|plutonium|radioactive)|(?:spread|start) (?:a )?(?:rumou?rs?|lies) about|(?:find|get|track down|dig up|look up|figure out) (?:out )?(?:where (?:my \\w+|she|he|they) (?:lives?|works?|is staying)|(?:his|her|their|${PERSON}) (?:home )?address)|read (?:my \\w+'s|his|her|their|someone'?s) (?:texts?|messages|whatsapp|dms|e-?mails?|chats?)|(?:hidden|secret|spy) (?:cameras?|camera app|microphones?|recorders?|apps?|software)|(?:film|record|photograph|watch) (?:her|him|them|people|women|girls|someone)[^.?!\\n]{0,30}?(?:without|in the (?:shower|bathroom|changing room|locker room)|undress\\w*))`;
// Acts that are crimes or abuse whatever their object (issue 20): with a request form only.
const CRIME_ACT =
  '(?:steal(?:ing)?|rob(?:bing)?|mug(?:ging)?|loot(?:ing)?|burgl\\w+|shoplift\\w*|vandali[sz]\\w*|trespass\\w*|poach(?:ing)?|swindl\\w+|defraud\\w*|embezzl\\w+|brib(?:e|ing)|blackmail\\w*|extort\\w*|kidnap\\w*|abduct\\w*|assault(?:ing)?|stab(?:bing)?|strangl\\w+|smother\\w*|suffocat\\w+|tortur(?:e|ing)|molest\\w*|rap(?:e|ing)|grop(?:e|ing)|stalk(?:ing)?|harass(?:ing)?|bully(?:ing)?|doxx?(?:ing)?|sabotag(?:e|ing)|gaslight\\w*|launder(?:ing)?|smuggl(?:e|ing)|counterfeit\\w*|plagiari[sz](?:e|ing)|poison(?:ing)?|murder(?:ing)?|cheat(?:ing)? on|lie to (?:my|the|a|police|cops|investigators|insurance)|scam(?:ming)?|con (?:people|someone|my|old|elderly)|trick (?:people|someone|my|old|elderly|him|her|them)|manipulat(?:e|ing) (?:someone|people|him|her|them|my|a (?:child|kid|woman|man|girl|boy)|vulnerable)|exploit(?:ing)? (?:vulnerable|children|kids|workers|employees|immigrants|elderly|old people|people|someone)|spy(?:ing)? on|hurt(?:ing)? (?:someone|somebody|people|animals?|a (?:person|child|kid|cat|dog))|kill(?:ing)? (?:him|her|them|a (?:person|man|woman|child|cat|dog)|animals?))';
const CRIME_ACT_INTL =
  '(?:robar|estafar|secuestrar|chantajear|acosar|envenenar|stehlen|klauen|betrugen|erpressen|entfuhren|vergiften|voler|escroquer|kidnapper|harceler|empoisonner|rubare|truffare|rapire|ricattare)';
const CRIME_ACT_CJK =
  '(?:偷|抢劫|绑架|敲诈|诈骗|下毒|跟踪|盗む|誘拐|脅迫|украсть|ограбить|похитить|шантаж)';
const HARM_INTENT_INTL =
  "(?:vengarme de|venganza contra|arruinar(?:le)? la vida|sin que (?:se entere|lo sepa|nadie (?:lo )?sepa|nadie se entere|(?:el|ella|ellos) (?:lo )?sepan?)|parezca un accidente|envenenar a|rache an|mich rachen|sein leben ruinieren|ihr leben ruinieren|ohne dass (?:er|sie|es|jemand) (?:es )?(?:merkt|weiss|mitbekommt)|wie ein unfall aussieht|me venger de|vengeance contre|gacher (?:sa|leur) vie|sans qu'(?:il|elle|ils|on) (?:le sache|s'en (?:rende|apercoive))|ressemble a un accident|vendicarmi|rovinare la vita|senza che (?:lui|lei|nessuno) (?:se ne accorga|lo sappia)|sembri un incidente)";
const HARM_INTENT_CJK =
  '(?:报复|复仇|报仇|不被发现|不让(?:他|她|别人)知道|看起来像意外|仕返し|復讐|バレずに|バレない|事故に見せかけ|отомстить|месть|чтобы никто не узнал|как несчастный случай)';

const DECEIVE =
  "(?:fake (?:reviews?|ratings|testimonials?|doctor'?s notes?|sick notes?|medical (?:notes?|certificates?|records?)|diplomas?|degrees?|certificates?|prescriptions?|pay ?stubs?|bank statements?|receipts?|references?|identit(?:y|ies)|profiles?|accounts?|charit(?:y|ies)|fundrais\\w+|gofundme|lottery|giveaways?|job (?:offers?|ads?|postings?)|invoices?|documents?|licen[cs]es?|covid (?:tests?|certificates?)|vaccin\\w+ (?:cards?|certificates?)|alibi|social security|ssn|passport)|(?:forge|falsify|fabricate|doctor|backdate)(?:d|ing)? (?:an? |the |my |his |her |some )?(?:\\w+ )?(?:signatures?|documents?|records?|receipts?|results?|data|evidence|invoices?|timesheets?|certificates?|notes?|prescriptions?|references?|transcripts?|reports?)|impersonat\\w*|(?:pretend(?:ing)?|pose|posing|pass(?:ing)? myself off) (?:to be |as )?(?:from |an? |the )?(?:bank|irs|hmrc|tax office|police|cop|officer|government|microsoft|apple|amazon|paypal|tech support|customer support|support agent|doctor|nurse|lawyer|social worker|official|inspector|delivery (?:driver|company)|courier|his|her|their|someone else|another person|a minor|a child|a kid|a teenager)|(?:convince|persuade|trick|con|pressure|manipulate|guilt-?trip)(?:d|ing)? (?:old|elderly|older|vulnerable|lonely|senior|retired|gullible|naive|desperate|my (?:grandma|grandmother|grandpa|grandfather|elderly \\w+)|people|someone|users?|customers?|victims?|investors?|the cashier|him|her|them|my \\w+) (?:\\w+ ){0,3}?(?:into|to (?:give|send|hand over|wire|transfer|invest|buy|sign|share|reveal|pay|click|download|install)|(?:people|folks|ladies|men|women|citizens|persons?) (?:into|to))|catfish\\w*|romance scams?|sextort\\w*|gift cards? (?:as payment|to pay|instead)|(?:pay|send|wire)[^.?!\\n]{0,20}? in gift cards|(?:their|your|his|her) (?:bank (?:login|details|account number)|card (?:number|details)|pin|social security number|ssn|one-time code|verification code|2fa code|password)s? (?:without|so (?:i|we) can)|(?:harvest|collect|steal)\\w* (?:their |people'?s |users'? )?(?:logins?|credentials|card details|personal data)|(?:article|post|blog(?: post)?|tweets?|thread|essay|op-?ed|story|news (?:story|report|article)|press release|speech|video script|leaflet|flyer)[^.?!\\n]{0,40}?(?:claiming|saying|alleging|asserting|proving|convinc\\w+ (?:people|readers|voters))[^.?!\\n]{0,60}?(?:microchips?|5g|hoax|rigged|stolen|never happened|didn'?t happen|staged|cover-?up|causes? (?:autism|cancer|infertility)|depopulation|mind control|poison\\w*|a lie|fake|false|fraud\\w*|cures? (?:cancer|covid|diabetes|autism)|chemtrails|flat|lizard|secretly)|(?:make|making) it (?:look|sound|seem) (?:real|legit|legitimate|official|authentic|credible|true|genuine|like it came from)|(?:look|sound)s? (?:like|as if) it (?:came|comes) from (?:the |a |my )?(?:bank|irs|government|police|ceo|hr|official)|(?:persuasive|convincing|viral|one-sided|compelling|propaganda)[^.?!\\n]{0,40}?(?:arguing|claiming|that|saying|suggesting|to convince|to persuade|about how|explaining (?:how|why))[^.?!\\n]{0,100}?(?:hoax|staged|faked?|inside job|never happened|didn'?t happen|did not happen|fabricated|exaggerated|overblown|made up|a lie|rigged|fraudulent|stolen|was (?:justified|good|beneficial|necessary|a good thing|deserved)|(?:were|was) (?:actually |secretly |really |solely |deliberately |entirely )?(?:caused|started|initiated|orchestrated|planned|invented|engineered|funded|created|designed|provoked) by|secretly|cover(?:ed)?-?up|microchips?|depopulation|mind control|(?:causes?|caused) (?:autism|cancer|infertility|covid)|inferior|genetically|(?:don'?t|do not|doesn'?t|does not|never) (?:exist|work|exist(?:ed)?)|positive (?:impact|effects?|side|aspects?) of|benefi\\w+ (?:of|from) (?:genocide|slavery|colonial\\w*|apartheid|ethnic cleansing|the holocaust|terrorism|child labou?r|war))|(?:the )?(?:positive|good|bright) (?:side|aspects?|effects?|impact|legacy) of (?:genocide|slavery|colonial\\w*|apartheid|ethnic cleansing|the holocaust|terrorism|child labou?r|the khmer rouge|the residential schools?|the stolen generations?)|(?:discourage|stop|prevent|keep|scare|intimidate)(?:ing)? (?:\\w+ ){0,2}?(?:people|voters|them|minorities|students|immigrants|democrats|republicans) from (?:voting|the polls|registering)|wrong (?:polling|election|voting) (?:date|day|place|location|station)|vote (?:twice|more than once|multiple times|for dead)|(?:accus|claim|say|saying|suggest|impl)\\w* (?:that )?(?:\\w+ ){0,3}?(?:is|was|are) (?:a |an )?(?:secret |closet )?(?:pedophiles?|paedophiles?|rapists?|child abusers?|drug addicts?|terrorists?|criminals?|murderers?|frauds?|spies)\\b)";
const DECEIVE_INTL =
  "(?:resenas falsas|opiniones falsas|hacerme pasar por|haciendome pasar por|documentos? falsos?|receta falsa|titulo falso|gefalschte (?:bewertungen|rezensionen|dokumente|ausweis\\w*|rezepte?|zeugnisse?)|mich als \\w+ ausgeben|falsche bewertungen|faux avis|faux (?:documents?|diplomes?|certificats?|ordonnances?)|me faire passer pour|usurper l'identite|recensioni false|documenti falsi|fingermi|spacciarmi per|truffare)";
const DECEIVE_CJK =
  '(?:假评论|刷好评|假冒|冒充|伪装成|虚假(?:证明|文件|新闻)|やらせレビュー|なりすま|偽の(?:口コミ|レビュー|書類)|фальшив|поддельн|выдать себя за)';

const ACQUIRE_EVADE =
  "(?:without (?:a |an |any )?(?:prescriptions?|scripts?|doctor'?s? (?:note|approval|prescription)|licen[cs]es?|background checks?|permits?|serial numbers?|paper ?work|registration|age verification|id(?: check)?|proof of age|(?:my |their |his |her )?parents'? (?:permission|consent|knowing))|(?:buy|get|order|obtain|purchase|source|score|import|sell)(?:ing)? (?:\\w+ ){0,3}?(?:illegally|on the (?:dark ?web|darknet|black market|street)|off the books|under the table|with no questions asked|no questions asked|from (?:the )?(?:dark ?web|darknet))|(?:bypass|get around|get past|fool|beat|cheat|trick|evade|dodge|defeat|pass|fake)(?:ing)? (?:the |a |an |my |their )?(?:age (?:verification|checks?|gates?|restrictions?)|drug (?:tests?|screens?)|urine tests?|piss tests?|breathalyzers?|breathalysers?|background checks?|metal detectors?|airport security|security (?:scanners?|checks?|screening)|id checks?|kyc|anti-?cheat|proctor\\w*|plagiarism (?:checks?|checkers?|detection|detectors?)|ai detectors?|parental controls?|content filters?|speed cameras?|toll|ankle monitor|polygraph|lie detector|customs)|(?:sneak|smuggle|bring|get|carry|hide)(?:ing)? (?:\\w+ ){0,3}?(?:past|through|into|in) (?:security|customs|the border|an? airport|the airport|prison|jail|a plane|the plane|an? stadium|a concert|school)\\b|(?:file|grind|scratch|remove)(?:d|ing)? (?:off )?(?:the )?serial numbers?|(?:hotwire|hot-wire)\\w*|(?:pick|open|break)(?:ing)? (?:a |the )?(?:lock|padlock|door) (?:of|on|to) (?:someone|my neighbou?r|a house|a car|their|his|her)|(?:without|avoid|avoiding|not) pay(?:ing)? (?:for (?:it|the|my)|taxes|the bill|rent|the fare)|dine and dash|(?:steal|stealing|nick|swipe|pocket)(?:ing)? (?:from|\\w+ from) (?:my|the|a|work|an?) (?:job|employer|store|shop|work|register|till|boss|company|roommate|parents?)|(?:rig|rigging|fix|fixing) (?:the |an? )?(?:election|vote|ballots?|lottery|slot machines?|match|game)|pump and dump|wash trading|(?:grow|cook|make|brew|synthesi[sz]e|extract|produce|press)(?:ing)? (?:my own |some |homemade |home-?made )?(?:\\w+ )?(?:weed|marijuana|cannabis|dmt|lsd|acid|shrooms|psilocybin|ghb|ketamine|crack|pcp|opium|morphine|oxy\\w*|xanax|pills|mdma|molly|ecstasy|speed|amphetamines?|poppers)\\b(?:[^.?!\\n]{0,30}?(?:at home|in my|sell|without))?|(?:3d[- ]print\\w*|home-?made|homemade|diy|untraceable|unregistered|full[- ]auto|automatic) (?:\\w+ )?(?:guns?|firearms?|pistols?|rifles?|ar-?15s?|glock|silencers?|suppressors?|ammo)|(?:convert|conversion)[^.?!\\n]{0,30}?(?:full[- ]auto|automatic|machine gun)|bump stocks?|(?:pirate|torrent|crack)(?:ed|ing)? (?:\\w+ ){0,2}?(?:movies?|films?|games?|software|windows|photoshop|office|episodes?|shows?|albums?|books?)|(?:remove|strip|get rid of)(?:ing)? (?:the )?(?:watermarks?|drm|copy protection)|under the radar|without getting (?:in|into) trouble|(?:won'?t|don'?t|not|never|wont|dont) get (?:in trouble|sued|fined|busted|found out|reported)|(?:police|cops|investigators|my (?:wife|husband|boss|parents)) (?:won'?t|can'?t|don'?t|cannot|will not|never) (?:find|know|trace|tell|suspect|find out))";
const ACQUIRE_EVADE_INTL =
  "(?:sin receta|sin licencia|sin permiso de armas|en la dark ?web|ohne rezept|ohne (?:waffen)?schein|ohne lizenz|im darknet|sans ordonnance|sans permis|sur le dark ?web|senza ricetta|senza porto d'armi|sul dark ?web)";
const ACQUIRE_EVADE_CJK =
  '(?:无需处方|不用处方|没有处方|暗网|处方なし|処方箋なし|ダークウェブ|без рецепта|даркнет)';

const SELF_HARM =
  "(?:(?:kill|hurt|harm|cut|starve|poison|burn|hang|drown|shoot)(?:ing)? (?:myself|yourself|oneself|themselves|himself|herself)|(?:painless|quick(?:est)?|easiest|surest|fastest|best|peaceful) (?:way|ways|method|methods) to (?:die|end it|go|not wake up|end (?:my|your|it all)|check out)|(?:want|wanna|going|plan|planning) to (?:die|end it all|end my life|not wake up|disappear forever)|don'?t want to (?:live|be alive|wake up)|how (?:much|many) (?:\\w+ ){0,2}(?:to|would|does it take to|until i) (?:die|kill|od|overdose|stop my heart)|pro-?ana|pro-?mia|thinspo\\w*|meanspo|(?:hide|hiding|conceal\\w*) (?:my |the )?(?:cuts|scars|self-?harm|eating disorder|not eating|weight loss|bruises) from|(?:encourage|convince|tell|push|dare)(?:s|d|ing)? (?:\\w+ ){0,2}?to (?:kill|hurt|cut|starve|harm) (?:themselves|himself|herself|yourself)|(?:eat|eating) (?:less than|under) [1-5]\\d{2} (?:calories|kcal))";
const SELF_HARM_INTL =
  '(?:quitarme la vida|suicidarme|matarme|hacerme dano|mich umbringen|mir das leben nehmen|mich selbst verletzen|me suicider|me tuer|mettre fin a mes jours|me faire du mal|ammazzarmi|togliermi la vita|farla finita|uccidermi)';
const SELF_HARM_CJK =
  '(?:自残|自杀方法|不想活|想死|自傷|死にたい|消えたい|покончить с собой|убить себя)';

const EXTREMIST_HATE =
  "(?:recruit(?:ing|ment)? (?:\\w+ ){0,2}?(?:for|to|into) (?:the |a |our |my )?(?:cause|jihad|caliphate|militia|movement|isis|daesh|al-?qaeda|the kkk|race war|holy war)|(?:glorif|prais|celebrat|honou?r|justif)\\w* (?:the |a |our |this )?(?:\\w+ )?(?:attacks?|shooters?|bombers?|massacres?|terroris\\w+|martyrs?|martyrdom|isis|daesh|al-?qaeda|hitler|nazis?|the holocaust|genocide|school shootings?|mass shootings?|lynching)|(?:race|holy) war|(?:jokes?|memes?|insults?|slurs?|roasts?|stereotypes?|rant|names to call)[^.?!\\n]{0,25}?(?:about|for|against|making fun of|mocking) (?:\\w+ )?(?:black|jewish|muslim|gay|lesbian|trans(?:gender)?|mexican|asian|chinese|indian|arab|african|immigrant|disabled|retarded|autistic|fat|ugly|poor|homeless|women|girls|latino|hispanic|gypsy|roma)(?: people| men| women| folks| kids| guys)?\\b|(?:make fun of|mock|demean|humiliate|dehumani[sz]e|bully|harass)(?:ing)? (?:\\w+ )?(?:black|jewish|muslim|gay|trans(?:gender)?|mexican|asian|immigrant|disabled|autistic|fat|homeless)(?: people| men| women| kids| students| coworkers?| classmates?)?\\b|white (?:power|genocide|pride|nationalis\\w*|supremac\\w*)|great replacement|(?:isis|daesh|al-?qaeda|taliban|hezbollah|ku klux|kkk|neo-?nazi\\w*|nazi|third reich|14 words|1488|aryan)|(?:are|is) (?:vermin|parasites?|rats|cockroaches|animals|a disease|a plague|a cancer|subhuman|inferior|genetically inferior|less intelligent|not (?:real )?(?:people|humans?)|ruining (?:this|our) country)|(?:should|must|deserve to|need to|ought to) (?:all )?(?:be )?(?:exterminated|wiped out|eradicated|gassed|hanged|lynched|shot|deported|purged|die|burn)|(?:women|men|blacks|black people|jews|muslims|immigrants|migrants|refugees|gays|gay people|trans people|christians|mexicans|asians|arabs|indians|roma|gypsies|disabled people) (?:are|should|belong|don'?t deserve|aren'?t)\\b(?:[^.?!\\n]{0,30}?)(?:inferior|stupid|worse|dangerous|criminals|evil|dirty|lazy|violent|animals|vermin|kitchen|property|rights|vote|exist|human))";
const EXTREMIST_HATE_INTL =
  '(?:guerra santa|guerra racial|raza inferior|rassenkrieg|minderwertige rasse|guerre sainte|guerre raciale|race inferieure|razza inferiore)';
const EXTREMIST_HATE_CJK = '(?:圣战|劣等民族|聖戦|劣等民族|священная война|низшая раса)';

const MINOR_SEXUAL =
  '(?:(?:erotic|explicit|nude|naked|lewd|sexy|sensual|seductive|nsfw|dirty|sexual(?:ly)?(?: explicit)?|sex) (?:\\w+ ){0,4}?(?:child(?:ren)?|minors?|kids?|underage|preteens?|pre-teens?|teens?|teenagers?|schoolgirls?|schoolboys?|little (?:girls?|boys?)|(?:1[0-7]|[5-9])[- ]?(?:years?[- ]old|yo|y/o))\\b|(?:child(?:ren)?|minors?|kids?|underage|preteens?|teens?|teenagers?|schoolgirls?|little (?:girls?|boys?)|(?:1[0-7]|[5-9])[- ]?(?:years?[- ]old|yo|y/o)) (?:\\w+ ){0,4}?(?:erotic|explicit|nude|naked|lewd|sexy|sexual(?:ly)?|in (?:lingerie|underwear|bed with)|undress\\w*)|(?:meet|meeting|date|dating|seduce|seducing|sext|sexting)(?:ing)? (?:a |an |with )?(?:minors?|(?:1[0-7]|[5-9])[- ]?(?:years?[- ]old|yo|y/o)|teen(?:ager)?s?|underage|kids?|children)\\b|lolicon|shotacon|jailbait)';

const topicRe = (en: string, intl: string, cjk: string): string =>
  `(?:\\b(?:${en}|${intl})\\b|${cjk})`;
const HARM_TOPIC_ANY = topicRe(HARM_TOPIC, HARM_TOPIC_INTL, HARM_TOPIC_CJK);
const HARM_BROAD_ANY = topicRe(HARM_BROAD, HARM_BROAD_INTL, HARM_BROAD_CJK);
const HARM_REQUEST_ANY = topicRe(HARM_REQUEST, HARM_REQUEST_INTL, HARM_REQUEST_CJK);
const HARM_INTENT_ANY = topicRe(HARM_INTENT, HARM_INTENT_INTL, HARM_INTENT_CJK);
const DECEIVE_ANY = topicRe(DECEIVE, DECEIVE_INTL, DECEIVE_CJK);
const ACQUIRE_EVADE_ANY = topicRe(ACQUIRE_EVADE, ACQUIRE_EVADE_INTL, ACQUIRE_EVADE_CJK);
const SELF_HARM_ANY = topicRe(SELF_HARM, SELF_HARM_INTL, SELF_HARM_CJK);
const EXTREMIST_HATE_ANY = topicRe(EXTREMIST_HATE, EXTREMIST_HATE_INTL, EXTREMIST_HATE_CJK);
const MINOR_SEXUAL_ANY = `\\b${MINOR_SEXUAL}`;
const CRIME_ACT_ANY = topicRe(CRIME_ACT, CRIME_ACT_INTL, CRIME_ACT_CJK);
// Another person as the object of an act the asker wants to do to them ("make someone ...", "get
// my boss to ..."): with a request form, a harmful request's shape; the prosocial verbs are left out.
const PERSON_OBJECT = `\\b(?!(?:help|helping|hire|report|pay|find|support|comfort|thank|surprise|congratulate|apologi[sz]e|talk|tell|telling|ask|asking|invite|cheer|encourage|reassure|forgive|care|love|hug|teach|remind|introduce|greet|welcome|celebrate|compliment|appreciate|motivate|meet|call|text|email|write|thanking|visit|recogni[sz]e|know|be|for|with|to|and|or|the|a|about|like|than|if|when|as|that|is|are|was|has|have|do|does|did|can|should|would|could|will|of|in|on|at|by|from|i|you|we|they)\\b)[a-z]+ (?:someone|somebody|some(?:one|body)'s|a (?:stranger|coworker|co-worker|classmate|neighbou?r)|my (?:ex|ex-?(?:wife|husband|girlfriend|boyfriend|partner)|neighbou?rs?|boss|manager|co-?workers?|colleagues?|roommates?|flatmates?|landlord|teacher|classmate|step(?:dad|mom|mum|father|mother)|mother-in-law|rival|bully))\\b`;
/** A cue test: a RegExp, or a matcher with the same `test`. */
interface Cue {
  test(text: string): boolean;
}
/**
 * A harm-family cue that remembers its last answer: cues are tested in order on the same string,
 * so harm-family-request (after the families) skips a text that no family matched. One global
 * RegExp serves both the test and the scan: the engine compiles each RegExp object to its own
 * machine code, and a family's pattern compiles to up to 0.7 MB.
 */
class FamilyCue implements Cue {
  readonly scan: RegExp;
  private lastText: string | undefined;
  private lastHit = false;
  constructor(pattern: string) {
    this.scan = new RegExp(pattern, 'g');
  }
  test(text: string): boolean {
    this.lastText = text;
    this.scan.lastIndex = 0;
    this.lastHit = this.scan.test(text);
    return this.lastHit;
  }
  /** True when the last test was of this very text and found nothing. */
  missed(text: string): boolean {
    return this.lastText === text && !this.lastHit;
  }
}
const HARM_INTENT_CUE = new FamilyCue(HARM_INTENT_ANY);
const DECEIVE_CUE = new FamilyCue(DECEIVE_ANY);
const ACQUIRE_EVADE_CUE = new FamilyCue(ACQUIRE_EVADE_ANY);
const SELF_HARM_CUE = new FamilyCue(SELF_HARM_ANY);
const EXTREMIST_HATE_CUE = new FamilyCue(EXTREMIST_HATE_ANY);
const MINOR_SEXUAL_CUE = new FamilyCue(MINOR_SEXUAL_ANY);
const HARM_FAMILIES: readonly FamilyCue[] = [
  HARM_INTENT_CUE,
  DECEIVE_CUE,
  ACQUIRE_EVADE_CUE,
  SELF_HARM_CUE,
  EXTREMIST_HATE_CUE,
  MINOR_SEXUAL_CUE,
];
/** A request form that ends the text (applied to the words just before a topic match). */
// First-person plans and asks for tips also count here ("i want to ...", "where can i ...").
const REQUEST_FIRST_PERSON =
  "\\b(?:i (?:want|wanna|need|have|plan|intend|am going|'m going|would like|'d like) to|im going to|i'm planning to|planning to|where (?:can|could|do) i|is there (?:a|any) way to|any (?:tips|advice|ideas) (?:for|on|about|to)|tips (?:for|on|to)|what (?:should|could|can) i (?:use|do|say|buy|get|put|give)|quiero|necesito|ich will|ich mochte|je veux|voglio)\\b";
const REQUEST_BEFORE = new RegExp(
  `(?:${HARM_REQUEST_ANY}|${REQUEST_FIRST_PERSON})[^.?!\\n。？！]{0,80}?$`,
);
/** A request word just after a topic match (CJK puts the object first). */
const REQUEST_AFTER = new RegExp(
  `^[^.?!\\n。？！]{0,24}?(?:${HARM_REQUEST_CJK}|\\b(?:step[- ]by[- ]step|instructions|tutorial|recipe|guide)\\b)`,
);
/**
 * {@link requestFor} over several large topic patterns, without joining them into one regexp
 * (one alternation of them all, tried at every offset after each request word, costs milliseconds
 * per kilobyte): each topic match looks back for a request form in the same sentence.
 */
const requestNear = (topics: readonly FamilyCue[]): Cue => ({
  test(text: string): boolean {
    for (const topic of topics) {
      if (topic.missed(text)) continue;
      const re = topic.scan;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const end = m.index + m[0].length;
        if (REQUEST_BEFORE.test(text.slice(Math.max(0, m.index - 160), m.index))) return true;
        if (REQUEST_AFTER.test(text.slice(end, end + 80))) return true;
        if (m[0].length === 0) re.lastIndex++;
      }
    }
    return false;
  },
});
/** A request form and a topic in one sentence, in either order (CJK puts the object first). */
const requestFor = (topic: string): RegExp =>
  new RegExp(
    `${HARM_REQUEST_ANY}[^.?!\\n。？！]{0,80}?${topic}|${topic}[^.?!\\n。？！]{0,24}?(?:${HARM_REQUEST_CJK}|\\b(?:step[- ]by[- ]step|instructions|tutorial|recipe|guide)\\b)`,
  );

/**
 * A request to reproduce a named work whole (harmbench/ailuminate IP rows: "Generate the lyrics of
 * <song>", "a long passage from <book>", "the entire first chapter", "word for word"), to strip a
 * watermark or DRM, or to make up a licence key. Written in ordinary words, these rows otherwise
 * look like plain tasks; asks about a work (its meaning, a summary, a short quote, where to stream
 * it legally) do not match. Other-language phrases are folded like the text (accents stripped);
 * Cyrillic and CJK ones go without \b, which only sees ASCII word characters.
 */
const WORK_NOUN =
  '(?:lyrics|song ?text|passages?|chapters?|pages|text|script|screenplay|transcript|libretto|article|book)';
/** "... of <the work>", not "of my (own) novel" or "of a story about ...". */
const WORK_OF = '(?:of|from)\\b(?! (?:my|our|a|an|this|your)\\b)';
const REPRO_VERB =
  '(?:generate|write out|write down|print|reproduce|recite|type (?:out|up)|give me|send me|paste|copy|output|provide|produce|show me|transcribe|spit out)';
const REPRODUCE_WORK_EN = [
  `\\b${REPRO_VERB}\\b(?: [^ ]+){0,3}? (?:the |a |an )?(?:full|complete|entire|whole|exact|verbatim|unabridged|uncut) (?:[^ ]+ ){0,2}?${WORK_NOUN}(?: [^ ]+){0,2}? ${WORK_OF}`,
  `\\b(?:full|complete|entire|whole|all the|every (?:verse|line|word) of)(?: [^ ]+){0,2}? (?:lyrics|song ?text|libretto)\\b`,
  `\\b${REPRO_VERB}\\b(?: [^ ]+){0,3}? (?:the |a |some |long |first |opening |last |\\d+ )*(?:lyrics|song ?text|passages?|chapters?|pages|script|transcript|libretto) ${WORK_OF}`,
  `\\bthe (?:full |complete |entire )?lyrics to\\b|\\blong passages? from\\b`,
  `\\b(?:lyrics|song|chapters?|passages?|pages|book|novel|script|episode|article|libretto)\\b[^.?!\\n]{0,60}?\\b(?:word[- ]for[- ]word|verbatim|in (?:its|their) entirety|exactly as (?:it appears|printed|written))`,
  `\\b(?:word[- ]for[- ]word|verbatim)\\b[^.?!\\n]{0,40}?\\b(?:lyrics|song|chapters?|passages?|book|novel|script|article)\\b`,
  `\\b(?:remove|removing|strip|stripping|get rid of|clean(?:ing)?(?: out| off| up)?|erase|erasing|crack|cracking|bypass|bypassing|break|breaking|get around|circumvent\\w*)\\b(?: [^ ]+){0,4}? (?:watermarks?|drm|copy ?protection|widevine|paywalls?)\\b|\\bwithout (?:the |a |any )?(?:watermarks?|drm)\\b`,
  `\\b(?:generate|give me|make up|create)\\b(?: [^ ]+){0,3}? (?:working |valid |free |real )?(?:licen[cs]e|product|activation|serial|cd) (?:keys?|codes?)\\b|\\bpre-?activated\\b|\\bkeygen\\b`,
].join('|');
const REPRODUCE_WORK_INTL = [
  '(?:kompletten|ganzen|vollständigen|gesamten) (?:songtext|liedtext|text|kapitel)|songtext von|wort für wort',
  'paroles (?:complètes|intégrales)|texte intégral|(?:recopi|retranscri)\\w* intégralement|chapitre (?:entier|complet)|mot pour mot',
  'letra completa|texto (?:completo|íntegro|integral)|capítulo (?:\\w+ )?(?:entero|inteiro|intero)|palabra por palabra|palavra por palavra',
  'testo completo|capitolo intero|parola per parola|volledige (?:songtekst|tekst)|woord voor woord|(?:pełny|cały) tekst|słowo w słowo',
  'lirik lengkap',
].join('|');
const REPRODUCE_WORK_CJK =
  '(?:全文|歌詞を?(?:全部|すべて|全て|フル)|そのまま(?:書き出|書き写)|完整(?:的)?歌词|歌词全文|一字不差|가사 전체|전문을|полный текст|текст песни целиком|слово в слово)';
const REPRODUCE_WORK = new RegExp(
  `${REPRODUCE_WORK_EN}|\\b(?:${fold(REPRODUCE_WORK_INTL)})\\b|${fold(REPRODUCE_WORK_CJK)}`,
);

/**
 * Structural cues, matched on the lower-cased text. Each is a hypothesis about who is addressed
 * and in which mood; the trained weights decide how much each one counts.
 */
const AI_NOUN =
  '(?:ai|a\\.i\\.|assistant|ai assistant|llm|language model|chatbot|bot|model|agent|ai agent|gpt|chatgpt|claude|copilot|gemini|ki|ki-assistent|sprachmodell|assistant ia|ia|asistente(?: de ia)?|assistente(?: ia)?|modelo de lenguaje|modele de langage)';
const CUES: readonly (readonly [string, Cue])[] = [
  // Speaks to the model by name: "AI assistant: …", "note to the AI", "if you are an LLM".
  [
    'address-ai',
    new RegExp(
      `(?:^|[\\n.!?>\\-*#|"]\\s*)(?:dear |hey |hi |hello |attention,? |important,? )?(?:the )?${AI_NOUN}s?\\s*[,:]|\\b(?:note|message|instructions?|directive|reminder) (?:to|for) (?:the |any |all )?${AI_NOUN}s?\\b|\\bif you are an? ${AI_NOUN}\\b|\\b${AI_NOUN}s? (?:reading|processing|summari[sz]ing|parsing|analy[sz]ing) this\\b|\\b(?:dear|attention) ${AI_NOUN}\\b|(?:ai|人工智能|人工知能)?(?:助手|アシスタント|模型)\\s*[:：,，]`,
    ),
  ],
  // Refers to the model's own rules or prompt in the second person.
  [
    'your-rules',
    /\byour (?:(?:previous|prior|earlier|original|initial|system|current|safety|internal|hidden|programmed|built-in|ethical|content|old) )*(?:instructions|rules|guidelines|programming|prompt|directives|restrictions|filters|policies|constraints|training|guardrails|system prompt|limitations)\b|\b(?:deine|ihre|tes|vos|tus|sus|le tue) (?:\w+ )?(?:anweisungen|regeln|richtlinien|instructions|consignes|regles|instrucciones|reglas|directrices|istruzioni|regole)\b|(?:你的|您的|あなたの)(?:指令|指示|规则|規則|ルール|设定|設定)/,
  ],
  // Assigns the model an identity.
  [
    'you-are-now',
    /\byou (?:are|will be|shall be|'re) (?:now|from now on|no longer|henceforth|going to be)\b|\bfrom now on,? you\b|\byou (?:are|will act as|must act as) (?:my|an? unrestricted|an? unfiltered)\b/,
  ],
  // A sentence that opens with an override verb: an order, not a question about one.
  [
    'imperative-override',
    /(?:^|[\n.!?:;"]\s*)(?:please,? |now,? |then,? )?(?:ignore|disregard|forget|override|bypass|stop following|do not follow|don't follow|ignoriere|vergiss|oublie|ignorez|oubliez|ignora|olvida|dimentica|negeer)\b|(?:^|[\n。！？：:])\s*(?:请)?(?:忽略|无视|忘记|無視して)/,
  ],
  // Opens as a question or a request to explain: content about instructions, not an instruction.
  [
    'about-question',
    /^\s*(?:how|what|why|when|where|which|who|can you explain|could you explain|explain|describe|define|what's|is it|is there|are there|does|do i|should i|can i)\b/,
  ],
  // Hides the action from the user: typical of indirect injection.
  [
    'covert',
    /\b(?:do not|don't|never|without) (?:tell(?:ing)?|inform(?:ing)?|mention(?:ing)?|alert(?:ing)?|notify(?:ing)?|let(?:ting)?) (?:the user|the human|the customer|anyone|them|him|her)\b|\bwithout (?:the user|anyone|them) (?:knowing|noticing|seeing)\b|\b(?:silently|secretly|quietly|covertly)\b/,
  ],
  // Sends data somewhere: exfiltration in agent/tool injections.
  [
    'exfiltrate',
    /\b(?:send|forward|e-?mail|post|upload|transfer|leak|exfiltrate|copy)\b[^.\n]{0,80}?\b(?:to|at)\s+(?:[\w.+-]+@[\w-]+\.[\w.]+|https?:\/\/|the (?:following|attacker|external))/,
  ],
  // Pasted content: mail headers, HTML, tables, JSON, fenced blocks.
  [
    'embedded-doc',
    /(?:^|\n)(?:from|to|subject|date|cc|re):\s|<(?:html|body|div|p|span|table|!--)\b|\n\s*\|[^\n]*\|\s*\n|^\s*[{[]\s*"|```/,
  ],
  // Hidden text: HTML comments, zero-size styles, alt text that speaks to a reader.
  [
    'hidden-markup',
    /<!--[^]{0,400}?(?:ignore|assistant|\bai\b|instruction|you must|system|\bllm\b)[^]{0,400}?-->|display:\s*none|font-size:\s*0|color:\s*(?:white|#fff)/,
  ],
  // Urgent notice framing that tool-result injections use.
  [
    'urgent-notice',
    /\b(?:important|urgent|attention|notice|warning|priority|critical)\s*(?:message|notice|instruction|update|note)?\s*[:!]+\s*(?:the |you |please |ignore|disregard|before|assistant|ai)/,
  ],
  // Names a harmful object or act (see HARM_TOPIC).
  ['harm-topic', new RegExp(HARM_TOPIC_ANY)],
  // Asks how to do or make one, within one sentence: a harmful request, not a news question.
  ['harm-request', requestFor(HARM_TOPIC_ANY)],
  // Names a hazard from the broader, more ambiguous vocabulary (see HARM_BROAD).
  ['harm-broad', new RegExp(HARM_BROAD_ANY)],
  // Asks for one.
  ['harm-broad-request', requestFor(HARM_BROAD_ANY)],
  // Tells an agent to sabotage what it manages: switch off safeguards, erase the traces, grant
  // itself access, move money out, act without approval (agent-tool injections, malicious tasks).
  [
    'agent-sabotage',
    /\b(?:disable|turn off|switch off|deactivate|bypass|shut down|tamper with|circumvent)\b[^.\n]{0,40}?\b(?:monitoring|logging|logs|audit\w*|alerts?|alarms?|security|firewalls?|antivirus|backups?|safety|authentication|2fa|mfa|encryption|sensors?|cameras?|safeguards?)\b|\b(?:delete|erase|wipe|purge|alter|falsify|doctor|tamper with)\b[^.\n]{0,40}?\b(?:logs?|audit (?:trail|logs?)|records?|evidence|history|transcripts?)\b|\b(?:grant|give|escalate|elevate)\b[^.\n]{0,30}?\b(?:admin\w*|root|elevated|full|superuser) (?:access|privileges?|rights|permissions?)\b|\b(?:transfer|wire|move|send)\b[^.\n]{0,40}?(?:\b(?:funds|money|payments?)\b|\$\s?\d[\d,]*)[^.\n]{0,50}?\b(?:external|personal|offshore|unknown|unverified|private|this|my) (?:account|wallet|iban)\b|\bwithout (?:authori[sz]ation|approval|permission|consent|a warrant|their knowledge)\b|\bunauthori[sz]ed\b|\bcovert(?:ly)?\b|\bexfiltrat\w*|\bbackdoor\w*/,
  ],
  // Wants to get away with it: avoid detection, prosecution, being traced.
  [
    'evade-consequences',
    /\b(?:avoid|evade|escape|dodge|get around|without|not get|never get|so (?:i|we) don't get) (?:being |getting )?(?:prosecut\w*|detect\w*|caught|arrest\w*|police|law enforcement|the cops|authorities|suspicion|noticed|traced|tracked|identified|investigat\w*|charged|convicted)\b|\bcover (?:my tracks|it up|this up)\b|\buntraceabl\w*|\bno one (?:will|would) (?:know|find out|notice)\b/,
  ],
  // Defines a new AI persona for the model: a replacement system prompt sent as a user turn.
  [
    'defines-ai-persona',
    /\b(?:you are|you're|imagine (?:that )?you are|act as|pretend (?:to be|you are)|you will be)\s+(?:now\s+)?(?:an?\s+|the\s+)?(?:[\w-]+,?\s+){0,6}?(?:ai|a\.i\.|artificial intelligence|chatbot|chat bot|bot|language model|virtual assistant|ai assistant)\b|\b(?:a|an) (?:\w+ ){0,2}(?:chatbot|assistant|bot|ai) (?:designed|developed|built|created|programmed) (?:to|for|specifically)\b/,
  ],
  // Asks for an exception to the model's rules: social engineering rather than an override.
  [
    'asks-exception',
    /\b(?:make an exception|there is an exception|just this once|bend the rules|regardless of (?:your|the|any) (?:rules|guidelines|polic(?:y|ies)|restrictions|instructions)|no need (?:for|to follow|to worry about) (?:the |your |any )?(?:rules|guidelines|restrictions|accura\w+|verification|current)|i know you (?:must|can't|cannot|are not allowed|shouldn't|aren't supposed)|even though you(?:'re| are)? (?:not allowed|not supposed|programmed))\b/,
  ],
  // Tells the model what to output verbatim.
  [
    'force-output',
    /\b(?:(?:only )?(?:say|output|print|respond with|reply with|answer with|begin your (?:reply|answer|response) with|start your (?:reply|answer|response) with))\s*[:"'“]/,
  ],
  // Asks to reproduce a named work whole, strip a watermark or DRM, or make up a licence key.
  ['reproduce-work', REPRODUCE_WORK],
  // Issue 20 harm families in ordinary words (see HARM_INTENT and below); keep this block last.
  // Intent to hurt, ruin, spy on or get back at a person, or to make a toxic mix.
  ['harm-intent', HARM_INTENT_CUE],
  // Deception for gain: fake reviews/documents, impersonation, conning people, disinformation.
  ['deceive-fraud', DECEIVE_CUE],
  // Getting something past the rules: no prescription/licence/check, dark web, fooling checks.
  ['acquire-evade', ACQUIRE_EVADE_CUE],
  // Harm to oneself, or urging someone to it.
  ['self-harm-intent', SELF_HARM_CUE],
  // Extremist propaganda and dehumanising claims about a group.
  ['extremist-hate', EXTREMIST_HATE_CUE],
  // Sexual content involving minors (abstract cue words only).
  ['minor-sexual', MINOR_SEXUAL_CUE],
  // Asks how to commit a crime or abuse named by its verb (steal, blackmail, stalk, poison ...).
  ['crime-act-request', requestNear([new FamilyCue(CRIME_ACT_ANY)])],
  // Asks how to act on another person (see PERSON_OBJECT).
  ['person-object-request', requestNear([new FamilyCue(PERSON_OBJECT)])],
  // Any of these families inside a request form, within one sentence.
  ['harm-family-request', requestNear(HARM_FAMILIES)],
];

// --- Embedded content (issue 20, indirect and tool injection) ---------------------------------
// A request followed by pasted or fetched content (a tool result, an e-mail, a page, a chat log)
// is two voices: the user, who may ask for anything, and the content, which should only inform.
// People write imperatives for people into content all the time ("please bring the form",
// "reset your password at the link"); an injection instead orders a NEW action with the user's
// tools or data: move money, hand out credentials or access, forward or delete files. The cues
// below look at the embedded part only, so a user who asks for a sensitive action directly is not
// confused with content that orders one.

/** Verbs of agent-capable actions (an imperative that a tool call would carry out). */
const ACTION_VERB_EN =
  '(?:transfer|wire|send|forward|e-?mail|upload|share|post|publish|leak|grant|give|add|invite|change|update|replace|reset|delete|remove|wipe|erase|purge|drop|disable|revoke|install|execute|pay|approve|authori[sz]e|export|copy|move|dm|paste|attach|include|push|commit|deploy|issue|order|buy|purchase|book|cancel|close|make|run|open|reply(?:-all)?|text|create|unlock|merge|increase|mark|set)';
/** Objects that make such an action consequential: money, secrets, access, files, personal data. */
const ACTION_OBJECT_EN =
  "(?:the (?:user|customer|owner|recipient|account holder)'?s \\w+|(?:all|every|each|entire) (?:of )?(?:the |their |his |her )?\\w+|credentials?|passwords?|passcodes?|pins?|tokens?|api[- ]?keys?|ssh keys?|deploy keys?|private keys?|secret\\w*|cookies|session\\w*|2fa|otp|one-time codes?|door codes?|recovery codes?|seed phrases?|wallets?|files?|folders?|drives?|inbox|mailbox|e-?mails|mail|messages|branch(?:es)?|pr|pull requests?|doors?|locks?|accounts?|payees?|standing orders?|contacts|address book|customer (?:list|data|records)|databases?|records|history|logs|snapshots|backups?|money|funds|payments?|invoices?|\\d[\\d,.]*\\s?(?:k|eur|usd|gbp|chf|euros?|dollars?|pounds?)|bank details|bank account|account (?:number|owner|email|details|settings)|iban|sort code|(?:saved |credit |debit )?cards?|cvv|access|permissions?|admin\\w*|owner|roles?|rights|repo\\w*|(?:home )?address(?:es)?|locations?|phone numbers?|passports?|ssn|salar\\w*|payroll|contracts?|documents?|attachments?|exports?)";
/** The same in other languages (imperatives and infinitives; CJK without word boundaries). */
const ACTION_INTL = fold(
  [
    // German
    '\\b(?:überweise|überweisen|sende|senden|schicke?|schicken|leite|weiterleiten|lade|hochladen|teile|teilen|gib|gewähre|gewähren|füge|lösche|löschen|entferne|entfernen|deaktiviere|deaktivieren|ändere|ändern|installiere|installieren|führe|zahle|bezahle|exportiere|kopiere|verschiebe|veröffentliche)\\b[^.\\n!?]{0,60}?\\b(?:passw\\w*|zugangsdaten|kennw\\w*|token\\w*|schlüssel\\w*|dateien|ordner|dokumente\\w*|verträge\\w*|e-?mails|nachrichten|kontakte|daten\\w*|geld|beträge?|\\d[\\d.,]*\\s?(?:eur|euro|€)|konto\\w*|iban|karten?\\w*|zugriff\\w*|rechte|berechtigung\\w*|admin\\w*|adressen?)',
    // French
    '\\b(?:transfère[sz]?|transférer|vire[rz]?|envoie[sz]?|envoyez|envoyer|transmets|transmettez|transmettre|partage[rz]?|publie[rz]?|accorde[rz]?|donne[rz]?|ajoute[rz]?|supprime[rz]?|efface[rz]?|désactive[rz]?|modifie[rz]?|installe[rz]?|exécute[rz]?|paie[rz]?|payez|exporte[rz]?|copie[rz]?|téléverse[rz]?)\\b[^.\\n!?]{0,60}?\\b(?:mots? de passe|identifiants|jetons?|clés?|fichiers|dossiers?|documents|contrats|e-?mails|courriels|messages|contacts|données|base de données|argent|fonds|\\d[\\d.,\\s]*\\s?(?:eur|euros|€)|comptes?|iban|cartes?|accès|droits|admin\\w*|adresses?)',
    // Spanish, Portuguese, Italian
    '\\b(?:transfiere|transfira|transferir|envía|envíe|enviar|reenvía|reenvíe|comparte|compartilhe|sube|publica|publique|concede|conceda|agrega|añade|adicione|adiciona|elimina|borra|apaga|apague|exclua|remova|desactiva|desative|cambia|altere|instala|instale|ejecuta|execute|paga|pague|exporta|copia|trasferisci|invia|inoltra|condividi|carica|concedi|aggiungi|cancella|disattiva|modifica|installa|esegui|esporta)\\b[^.\\n!?]{0,60}?\\b(?:contraseñas?|senhas?|credenciales|credenciais|credenziali|password|tokens?|claves?|chaves?|archivos|arquivos|file|documentos|documenti|contratos|contratti|correos|e-?mails?|contactos|contatos|contatti|datos|dados|dati|dinero|dinheiro|soldi|fondos|fondi|\\d[\\d.,]*\\s?(?:eur|euros?|reais|€)|cuentas?|contas?|conto|iban|tarjetas?|cartão|carta|acceso|acesso|accesso|permisos|permissões|permessi|administrador\\w*|amministrat\\w*|dirección|endereço|indirizzo)',
    // Russian (no \\b outside ASCII)
    '(?:переведи|перевести|отправь|отправить|перешли|переслать|загрузи|выложи|дай|предоставь|добавь|удали|удалить|отключи|измени|установи|выполни|оплати|экспортируй|скопируй)[^.\\n!?]{0,60}?(?:парол|токен|ключ|файл|документ|договор|письм|контакт|данн|деньг|средств|руб|счёт|счет|карт|доступ|прав|админ|адрес)',
    // Chinese (verb before object)
    '(?:转账|转给|汇款|汇给|发送|发给|转发|上传|分享|授予|给予|添加|删除|清空|关闭|禁用|修改|更改|安装|执行|运行|支付|付款|导出|复制)[^。！？\\n]{0,20}?(?:密码|凭据|令牌|密钥|文件|文档|合同|邮件|联系人|数据|资金|钱|元|账户|账号|银行卡|权限|管理员|地址)',
    // Japanese, Korean and Chinese 把/将 (object before verb)
    '(?:密码|凭据|令牌|密钥|文件|文档|合同|邮件|联系人|数据|资金|账户|账号|银行卡|权限|パスワード|認証情報|トークン|鍵|キー|ファイル|書類|文書|契約書|メール|連絡先|データ|お金|資金|円|口座|アカウント|カード|権限|管理者|住所|비밀번호|토큰|파일|문서|계약서|메일|연락처|데이터|돈|자금|계좌|계정|카드|권한|관리자|주소)[^。！？\\n]{0,20}?(?:送金|振り込|振込|送信|送って|転送|アップロード|共有|付与|追加|削除|消去|無効|変更|インストール|実行|支払|エクスポート|コピー|송금|이체|보내|전송|전달|업로드|공유|부여|추가|삭제|비활성|변경|설치|실행|결제|내보내|转账|转给|转发|发送|发给|上传|分享|删除|清空|禁用|修改|支付|导出)',
  ].join('|'),
);
/** An imperative clause ordering such an action (not "your password", which speaks to a person). */
const AGENT_ACTION_RE = new RegExp(
  `(?:^|[\\n.!?:;"{\\[,>*(|\\-•]|\\b(?:and|then|also|first|now|please|pls|kindly|immediately|just)\\b)\\s*(?:(?:please|pls|kindly|also|then|now|first|immediately|just|quickly|silently|quietly|automatically),? )*${ACTION_VERB_EN}\\b(?:[^.\\n!?]|\\.(?=\\S)){0,70}?(?:\\b(?<!your )${ACTION_OBJECT_EN}\\b|[$€£]\\s?\\d)|\\b(?:tell|inform|warn|convince|remind|ask) the (?:user|reader|customer|human|visitor)s? (?:that|to)\\b|${ACTION_INTL}`,
  'g',
);
/** Second person: an order in such a clause speaks to the human reader ("reset your password"). */
const SECOND_PERSON_RE = new RegExp(
  fold(
    "\\b(?:you|your|yours|yourself|you'll|you've|you're|vous|votre|vos|tu|tes|ton|ta|tus|usted|ustedes|tuoi|tuo|tua|tue|vostro|vostra|você|vocês|teu|dich|dein\\w*|euch|euer|uw|jouw)\\b|您|你|あなた|당신|вы|ваш|ты|твой",
  ),
);
/** The content of a sentence around an offset (bounded). */
function clauseAround(text: string, start: number, end: number): string {
  let a = start;
  while (a > 0 && start - a < 120 && !'.!?\n'.includes(text[a - 1] as string)) a--;
  let b = end;
  while (b < text.length && b - end < 120 && !'.!?\n'.includes(text[b] as string)) b++;
  return text.slice(a, b);
}
/**
 * Whether the content orders an agent-capable action in a clause that does not speak to the
 * human reader in the second person.
 */
export function ordersAgentAction(embedded: string): boolean {
  AGENT_ACTION_RE.lastIndex = 0;
  for (let m = AGENT_ACTION_RE.exec(embedded); m !== null; m = AGENT_ACTION_RE.exec(embedded)) {
    if (!SECOND_PERSON_RE.test(clauseAround(embedded, m.index, m.index + m[0].length))) {
      AGENT_ACTION_RE.lastIndex = 0;
      return true;
    }
    if (m[0].length === 0) AGENT_ACTION_RE.lastIndex++;
  }
  return false;
}
/** Content that speaks of the user in the third person: it expects a machine reader. */
const MENTIONS_USER_RE =
  /\bthe (?:user|human|end user|account holder)s?\b|\busers?'s?\b(?!\s*["':])/;
/** Content that speaks to whatever machine reads it (not only "AI": agents, bots, automations). */
const READER_NOUN = fold(
  '(?:assistants?|agents?|bots?|automations?|copilot|ai|llm|model|gpt|assistente|asistente|assistent(?:en)?|ki|ia|ассистент\\w*|бот\\w*|助手|智能体|机器人|アシスタント|エージェント|ボット|어시스턴트|비서)',
);
const ADDRESS_READER_RE = new RegExp(
  fold(
    `\\b(?:note|message|instructions?|directive|notice|reminder) (?:to|for) (?:the |any |all )?(?:[\\w-]+ )?(?:system|tool|agent|assistant|bot|ai|model|automation|reviewer|screener)s?\\b|\\b(?:whoever|anyone|anybody|any (?:system|tool|agent|assistant|bot|ai|model)|the (?:system|tool|agent|bot|automation)) (?:who |that |which )?(?:is )?(?:reads?|reading|summari[sz]\\w*|process\\w*|handl\\w*|pars\\w*|picks? up|picking up|sees? this|indexes|index\\w*)\\b|${READER_NOUN}\\b[^.\\n]{0,20}?\\b(?:reading|processing|handling|summari[sz]ing|parsing|that (?:reads|processes|handles|summari[sz]es)|who (?:reads|processes|handles))\\b|@(?:assistant|agent|bot|ai|copilot)\\b|\\b(?:to|for|attention|note to|dear|hey|hi|para el|para o|pour l'|pour le|für den|für die|an den|an die|per l')[ ,:]*(?:the |any |all |every |our |your |an? )?(?:[\\w-]+ )?${READER_NOUN}\\b|(?:^|[\\n.!?:;"{,\\-])\\s*(?:[\\w-]+ )?${READER_NOUN}(?:/\\w+)?\\s*[:,：，]|(?:给|致|对)${READER_NOUN}|${READER_NOUN}(?:へ|に|に対して|の方)|для (?:ассистента|бота|агента)`,
  ),
);
/** Claims that the user already approved the action: the injection's substitute for consent. */
const CLAIMED_CONSENT_RE =
  /\b(?:the )?(?:user|owner|customer|account holder|client|boss|ceo|admin(?:istrator)?|manager)s? (?:has |have )?(?:already |previously |explicitly )?(?:agreed|approved|authori[sz]ed|consented|confirmed|pre-?approved|okayed|signed off)\b|\b(?:already|pre-?)(?:approved|authori[sz]ed)\b|\bno need to (?:ask|confirm|check|verify|tell)\b|\bwithout (?:asking|confirming|confirmation|checking with|double-checking)\b|\bapprove it yourself\b|\bdon'?t (?:ask|confirm|check|verify) (?:with )?(?:the user|them|him|her|anyone)\b|\b(?:do not|don't) (?:wait for|ask for) (?:approval|confirmation|permission)\b/;
/** Imperatives meant for a person reading the content (reply, come, bring, sign, let us know). */
const HUMAN_REQUEST_RE =
  /\b(?:please|kindly|pls)\s+(?:arrive|bring|reply|respond|call|ring|let (?:me|us) know|confirm|sign|review|fill (?:in|out)|complete|return|contact|join|remember|note|book|rsvp|come|visit|check|keep|wear|print|read)\b|\blet (?:me|us) know\b|\b(?:send|email|e-mail|forward|give|bring|pass|return) (?:it |them |this |that )?(?:back )?to (?:me|us)\b|\bsend (?:me|us)\b|\b(?:contact|call|email|e-mail) us\b|\bcall me\b|\bget back to (?:me|us)\b/;
/** The user's request reads or reports (so an action ordered by the content is not theirs). */
const READ_ONLY_RE = new RegExp(
  fold(
    `^\\s*(?:user\\s*[:：]\\s*)?(?:(?:hi|hey|hello|ok|okay|so),? )?(?:can you |could you |would you |please |pls |quick(?:ly)? )?(?:summari[sz]e|summary|tl;?dr|translate|what|what's|whats|which|who|when|where|why|how|is|are|was|were|did|does|do|has|have|any|anything|check|tell me|show|read|look at|explain|review|list|find|pull up|fetch|get|give me|extract|describe|go through|open|peux-tu|pouvez-vous|résume|résumer|traduis|qu'|quel|quelle|que|qué|cuál|cuánto|o que|qual|resume|resuma|resumir|traduce|traduza|cosa|riassumi|was|wie|welche|wer|wann|fasse|übersetze|gibt|hat|ist|sind|lies|zeig|podsumuj|co|czy|jaki|что|какие|прочитай|кратко|перескажи|¿)`,
  ),
);
const READ_ONLY_CJK =
  /(?:总结|概括|摘要|翻译|是什么|有没有|什么|吗|要約|まとめ|教えて|翻訳|何|요약|알려|번역|뭐)/;
/** Lines that carry the user's voice in a transcript ("User: ..."). */
const USER_LINE_RE = new RegExp(
  fold(
    '^\\s*(?:user|usuario|utilisateur|benutzer|nutzer|utente|usuário|пользователь|用户|ユーザー|사용자)\\s*[:：]',
  ),
);
const QUOTE_START_RE = /["“«„「『]|->|→|←/;

/** Splits a (lower-cased) text into the user's request and the embedded content. */
export function splitRequest(s: string): { request: string; embedded: string } {
  const nl = s.indexOf('\n');
  if (nl < 0) {
    const m = QUOTE_START_RE.exec(s);
    if (m === null) return { request: s, embedded: '' };
    return { request: s.slice(0, m.index), embedded: s.slice(m.index) };
  }
  const lines = s.split('\n');
  const userLines = lines.filter((l) => USER_LINE_RE.test(l));
  if (userLines.length > 0) {
    return {
      request: userLines.join('\n'),
      embedded: lines.filter((l) => !USER_LINE_RE.test(l)).join('\n'),
    };
  }
  return { request: s.slice(0, nl), embedded: s.slice(nl + 1) };
}

/** Names of the embedded-content cues (after the whole-text ones in CUE_NAMES). */
const EMBEDDED_CUES = [
  'embedded-agent-action',
  'embedded-addresses-reader',
  'claimed-consent',
  'embedded-human-request',
  'read-request-action-content',
  'embedded-mentions-user',
  'embedded-inert',
] as const;
/** Whole-text cues that already say the content is addressed to the model. */
const ADDRESSING_CUES: ReadonlySet<string> = new Set([
  'address-ai',
  'imperative-override',
  'hidden-markup',
  'urgent-notice',
  'covert',
  'exfiltrate',
  'agent-sabotage',
]);
/** Embedded content shorter than this is not called inert (too little to judge). */
const INERT_MIN = 40;

/** Which embedded-content cues fire, as flags in EMBEDDED_CUES order. */
function embeddedCues(s: string, has: (cue: string) => boolean): boolean[] {
  const { request, embedded } = splitRequest(s);
  if (embedded.length === 0) {
    return [false, false, CLAIMED_CONSENT_RE.test(s), false, false, false, false];
  }
  const action = ordersAgentAction(embedded);
  const reader = ADDRESS_READER_RE.test(embedded);
  const mentionsUser = MENTIONS_USER_RE.test(embedded);
  const readOnly =
    READ_ONLY_RE.test(request) || READ_ONLY_CJK.test(request) || /[?？]\s*$/.test(request);
  // "Asked to read content that orders nothing of the agent": the benign counterpart of
  // read-request-action-content.
  // Derived, because a linear model cannot express "content AND NOT an order" from the parts.
  let inert = readOnly && embedded.length >= INERT_MIN && !action && !reader && !mentionsUser;
  for (const name of ADDRESSING_CUES) if (inert && has(name)) inert = false;
  return [
    action,
    reader,
    CLAIMED_CONSENT_RE.test(s),
    HUMAN_REQUEST_RE.test(embedded),
    action && readOnly,
    mentionsUser,
    inert,
  ];
}

/**
 * An ordinary task (an opening "write / list / summarise ..." with no harm word anywhere): the
 * form that harmful-request sources share with every instruction-tuning set. A derived cue,
 * because a linear model cannot express "request form AND NOT harm word" from the two apart.
 */
const PLAIN_TASK = 'plain-task';
const PLAIN_TASK_RE =
  /^\s*(?:please,? |can you |could you |i need you to |i want you to )?(?:write|give|generate|list|make|create|tell|suggest|summari[sz]e|compose|describe|explain|draft|rewrite|translate|classify|identify|find|name|choose|provide|come up with|think of|design|plan|convert|analy[sz]e|compare|outline|recommend)\b/;
const HARM_CUES: ReadonlySet<string> = new Set([
  'harm-topic',
  'harm-broad',
  'agent-sabotage',
  'harm-intent',
  'deceive-fraud',
  'acquire-evade',
  'self-harm-intent',
  'extremist-hate',
  'minor-sexual',
  'crime-act-request',
  'person-object-request',
  'evade-consequences',
  'reproduce-work',
]);

/** Names of the cue features, in a stable order (tests and docs). */
export const CUE_NAMES: readonly string[] = [
  ...CUES.map(([name]) => name),
  PLAIN_TASK,
  ...EMBEDDED_CUES,
];
const CUE_HASH: readonly number[] = CUE_NAMES.map((name) => {
  let h = FNV_OFFSET ^ CUE_SEED;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), FNV_PRIME);
  return fmix(h);
});
/** Cues are searched in the first and last this many characters (bounded work on long texts). */
const CUE_SPAN = 4096;

let scratch = new Int32Array(16_384);

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & MASK;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 39 || c > 127;
}

/**
 * Indices into {@link CUE_NAMES} of the cues that fire on a lower-cased text, in that order: the
 * structural cues, then the derived plain-task cue, then the embedded-content cues. Cues are
 * searched in the first and last {@link CUE_SPAN} characters only (bounded work on long texts).
 */
function firedCues(lower: string): number[] {
  const s =
    lower.length <= 2 * CUE_SPAN ? lower : `${lower.slice(0, CUE_SPAN)}\n${lower.slice(-CUE_SPAN)}`;
  const fired: number[] = [];
  const names = new Set<string>();
  for (let c = 0; c < CUES.length; c++) {
    const cue = CUES[c];
    if (cue === undefined || !cue[1].test(s)) continue;
    fired.push(c);
    names.add(cue[0]);
  }
  const has = (name: string): boolean => names.has(name);
  if (isPlainTask(s, has)) fired.push(CUES.length);
  embeddedCues(s, has).forEach((on, k) => {
    if (on) fired.push(CUES.length + 1 + k);
  });
  return fired;
}

/** The cue names present in a lower-cased text. */
export function cuesOf(lower: string): string[] {
  return firedCues(lower).map((k) => CUE_NAMES[k] as string);
}

function isPlainTask(text: string, has: (cue: string) => boolean): boolean {
  for (const name of HARM_CUES) if (has(name)) return false;
  return PLAIN_TASK_RE.test(text);
}

/**
 * Courtesy words, left out of the n-grams (cues still read them). Every one of asb's 400 attack
 * rows opens with "Please", and the model had learnt the word as an attack: "Please" alone scored
 * 91 and "please continue" 90, and 19 % of short conversational turns were flagged
 * (`data/held-out/written-benign-conversational.jsonl`). Whether a request is an attack never
 * depends on its courtesy.
 */
const COURTESY_RE = /\b(?:please|pls|plz|kindly)\b/g;

function withoutCourtesy(lower: string): string {
  return lower.includes('pl') || lower.includes('kindly') ? lower.replace(COURTESY_RE, ' ') : lower;
}

/**
 * Extracts hashed features. The returned `indices` is a shared scratch buffer, valid until the
 * next call: copy it (`indices.slice(0, n)`) to keep it.
 */
export function extractFeatures(text: string): TextFeatures {
  const lower = text.toLowerCase();
  const s = withoutCourtesy(lower);
  const len = s.length;
  const needed = len * 5 + 16 + CUE_NAMES.length;
  if (scratch.length < needed) scratch = new Int32Array(needed);
  const out = scratch;
  let n = 0;
  for (let i = 0; i + 2 < len; i++) {
    let h = FNV_OFFSET;
    h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
    h = Math.imul(h ^ s.charCodeAt(i + 1), FNV_PRIME);
    h = Math.imul(h ^ s.charCodeAt(i + 2), FNV_PRIME);
    out[n++] = fmix(h);
    if (i + 3 < len) {
      h = Math.imul(h ^ s.charCodeAt(i + 3), FNV_PRIME);
      out[n++] = fmix(h);
      if (i + 4 < len) {
        h = Math.imul(h ^ s.charCodeAt(i + 4), FNV_PRIME);
        out[n++] = fmix(h);
      }
    }
  }
  const charCount = n;
  let prev = 0;
  let havePrev = false;
  let h = 0;
  let inWord = false;
  for (let i = 0; i <= len; i++) {
    const c = i < len ? s.charCodeAt(i) : 32;
    if (isWordChar(c)) {
      if (!inWord) {
        h = FNV_OFFSET ^ WORD_SEED;
        inWord = true;
      }
      h = Math.imul(h ^ c, FNV_PRIME);
    } else if (inWord) {
      inWord = false;
      out[n++] = fmix(h);
      if (havePrev) out[n++] = fmix(Math.imul(prev ^ BIGRAM_SEED, FNV_PRIME) ^ h);
      prev = h;
      havePrev = true;
    }
  }
  const wordEnd = n;
  for (const k of firedCues(lower)) out[n++] = CUE_HASH[k] ?? 0;
  return { indices: out, charCount, wordCount: wordEnd - charCount, cueCount: n - wordEnd };
}
