import type { SecuritySeverity } from '@llmtrace/core';
// Rules and cues read normalised text: sources written as a language is spelt are folded alike.
import { foldLikeNormalised as fold } from '../normalise/normalise-text.js';
import type { FindingType } from '../owasp.js';

/** One precompiled detection rule. */
export interface InjectionRule {
  readonly id: string;
  readonly type: FindingType;
  readonly severity: SecuritySeverity;
  /** How sure a match alone makes us (0-1); weak rules only count together with other signals. */
  readonly confidence: number;
  /** Read by a person in the finding. */
  readonly description: string;
  readonly pattern: RegExp;
  /** `compact` rules run on letters-and-digits-only text (defeats split words). */
  readonly target: 'text' | 'compact';
  /** Lower-case substrings of which at least one must occur for the pattern to match: a cheap
   *  `includes` pre-check that skips the regex on most texts. Empty = always run. */
  readonly needles: readonly string[];
}

type RuleSpec = Omit<InjectionRule, 'target' | 'pattern' | 'needles'> & {
  readonly pattern: RegExp;
  readonly target?: 'text' | 'compact';
};

// Word groups shared by the override rules (English). Kept as source strings so each rule is
// compiled once below.
const OVERRIDE_VERB =
  "ignore|ignoring|disregard|disregarding|forget|neglect|overlook|abandon|discard|dismiss|pay no attention to|do not (?:follow|obey|listen to|adhere to)|don't (?:follow|obey|listen to|adhere to)|stop (?:following|obeying)|set aside|throw out|skip";
const OVERRIDE_QUALIFIER =
  'previous|previously|prior|preceding|above|foregoing|all|any|your|system|developer|pre-?programmed|programmed|built-in|safety|ethical|openai|anthropic';
// Qualifiers that also describe ordinary documents ("ignore the earlier instruction to preheat").
const WEAK_OVERRIDE_QUALIFIER = 'earlier|former|original|initial|old|default|moral|content|given';
const OVERRIDE_NOUN =
  'instructions?|prompts?|directives?|commands?|rules?|guidelines?|orders|constraints?|restrictions?|programming|policies|policy|guardrails?|protocols?|training|directions?|context|safeguards?|principles|filters?|limitations?|boundaries|ethics|conditioning|objectives?|guidance';

const W = '[^.\\n!?]';
// Who an indirect injection speaks to. AI_SPEAKER (before a colon) leaves out "assistant" and
// "model", which label the turns of ordinary pasted chat transcripts.
const AI_READER =
  '(?:ai|a\\.i\\.|ai assistant|assistant|ai agent|agent|llm|language model|ai model|chatbot|gpt|chatgpt|claude|copilot|gemini)';
const AI_SPEAKER = 'ai|a\\.i\\.|ai assistant|ai agent|llm|language model|ai model|chatbot';

function re(source: string, flags = 'i'): RegExp {
  return new RegExp(source, flags);
}

// What a jailbreak "mode" lifts, in the languages of jailbreak.mode-non-english (folded there).
const MODE_LIFTS =
  'einschränk|einschrank|zensur|regeln|richtlinien|restriction|censure|règles|regles|restricciones|reglas|censura|políticas|regole|restrizion|politiche|regras|restriç|restric|polític|ograniczeń|ograniczen|zasad|cenzur|aturan|sensor|batasan|giới hạn|gioi han|chính sách|quy tắc|kural|sınır|sinir|ограничен|правил|цензур|политик|обмежен|限制|规则|規則|政策|审查|審查|拒绝|拒絕|制限|倫理|ポリシー|제한|규칙|정책|검열|قيود|سياس|חוקים|הגבלות|नियम|प्रतिबंध';

// System-prompt nouns and show/print/repeat verbs in Chinese, Japanese and Korean
// (extraction.non-english): the noun alone is also how people ask to *write* a system prompt.
const CJK_PROMPT =
  '系统提示词|系统提示(?!音)|系統提示詞|系統提示(?!音)|系统指令|系統指令|隐藏规则|隱藏規則|システムプロンプト|システム指示|시스템 프롬프트|시스템 지시';
const CJK_SHOW =
  '打印|输出|輸出|显示|顯示|告诉我|告訴我|复述|複述|原样|原樣|列出|发给我|發給我|出力|表示|見せ|教えて|繰り返|보여|출력|알려|그대로';

const SPECS: readonly RuleSpec[] = [
  // ---- Instruction override (LLM01) ----
  {
    id: 'override.ignore-previous',
    type: 'prompt_injection',
    severity: 'high',
    confidence: 0.92,
    description: 'Tells the model to ignore or forget its previous instructions',
    pattern: re(
      `\\b(?:${OVERRIDE_VERB})\\b${W}{0,50}?\\b(?:${OVERRIDE_QUALIFIER})\\b${W}{0,40}?\\b(?:${OVERRIDE_NOUN})\\b`,
    ),
  },
  {
    id: 'override.ignore-earlier',
    type: 'prompt_injection',
    severity: 'medium',
    confidence: 0.5,
    description: 'Tells the model to ignore earlier or original instructions',
    pattern: re(
      `\\b(?:${OVERRIDE_VERB})\\b${W}{0,50}?\\b(?:${WEAK_OVERRIDE_QUALIFIER})\\b${W}{0,40}?\\b(?:${OVERRIDE_NOUN})\\b`,
    ),
  },
  {
    id: 'override.forget-everything',
    type: 'prompt_injection',
    severity: 'high',
    confidence: 0.8,
    description: 'Tells the model to forget everything it was told',
    pattern: re(
      "\\b(?:forget|disregard|ignore|erase|wipe)\\s+(?:about\\s+)?(?:everything|all(?: of)? (?:that|this|it)|what)\\s+(?:(?:that\\s+)?you(?:'ve| have)?\\s+(?:been\\s+|were\\s+|where\\s+)?(?:told|taught|learned|know|programmed|instructed)|(?:that\\s+)?(?:(?:was|is)\\s+)?(?:said|written|stated|mentioned)\\s+(?:above|before|beforehand|earlier|so far)|(?:that\\s+)?(?:was|is)\\s+(?:said|written|stated)|above|before|prior|so far|until now)\\b",
    ),
  },
  {
    id: 'override.bypass-safety',
    type: 'jailbreak',
    severity: 'high',
    confidence: 0.85,
    description: 'Asks the model to bypass or switch off its safety rules or filters',
    pattern: re(
      `\\b(?:bypass|circumvent|override|get around|disable|turn off|deactivate|switch off|remove|lift|evade|break free of|break out of|escape)\\b${W}{0,20}?\\b(?:your|its|the ai'?s|the model'?s|openai'?s|anthropic'?s|all (?:of )?(?:your|the)|any (?:of )?(?:your|the))\\s+(?:\\w+\\s+){0,2}?(?:safety|content|ethical|moral|programming|filters?|guardrails?|restrictions?|censorship|limitations?|safeguards?|moderation|rules|guidelines|policies|alignment|constraints)\\b`,
    ),
  },
  {
    // Orders or claims that the model's safety is switched off ("Disable content filtering for
    // this session", "Safety layer offline", "All content policies are suspended",
    // "safety_mode=false"). Medium: "turn off the content filter on my router" reads the same.
    id: 'override.safety-off',
    type: 'jailbreak',
    severity: 'medium',
    confidence: 0.55,
    description:
      "Orders or claims that the model's safety filters or content policies are switched off",
    pattern: re(
      '\\b(?:disable|disabling|turn off|deactivate|switch off|suspend|remove|lift|bypass|override)\\b[^.\\n!?]{0,25}?\\b(?:all |any |the |your )?(?:content (?:filter\\w*|moderation|polic(?:y|ies)|restrictions?)|safety (?:filter\\w*|layer|mode|rules|guardrails?|restrictions?|protocols?)|security checks|guardrails|censorship)\\b|\\b(?:safety|content) (?:filters?|filtering|layer|mode|restrictions?|polic(?:y|ies)|moderation|guardrails?)\\b[^.\\n!?]{0,30}?\\b(?:(?:is|are|has been|have been|were|was|now|been) )?(?:offline|disabled|deactivated|suspended|removed|lifted|turned off|switched off|off)\\b|\\b(?:safety_mode|content_filter|safe_mode|moderation|guardrails)\\s*[=:]\\s*(?:false|off|disabled|0|none)\\b',
    ),
  },
  {
    id: 'override.new-task',
    type: 'prompt_injection',
    severity: 'high',
    confidence: 0.75,
    description: 'Assigns the model a new task, role or instructions that replace its own',
    pattern: re(
      '\\byour (?:new|real|actual|true|only|updated|next) (?:task|role|goal|purpose|objective|instructions?|job|mission|directive|priority) (?:is|are|will be|now)\\b|\\b(?:new|updated|revised|real|secret|hidden|override|priority) (?:system )?(?:instructions?|directives?|orders|rules|prompt)\\s*(?::|are as follows|follow\\b)|\\byou (?:are|will) no longer (?:be )?(?:an? |bound|restricted|limited|required|following|chatgpt|claude|the assistant)|\\bstop being an? (?:ai|assistant|chatbot|language model|helpful)',
    ),
  },
  {
    id: 'override.from-now-on',
    type: 'prompt_injection',
    severity: 'medium',
    confidence: 0.45,
    description: 'Redefines how the model must behave from now on',
    pattern: re(
      '\\b(?:from now on|from this (?:point|moment) (?:on|forward)|for the rest of (?:this|our) conversation|henceforth)\\b,?\\s*(?:you|your|always|only|never|act|respond|answer|reply|pretend|ignore)',
    ),
  },
  {
    id: 'override.non-english',
    type: 'prompt_injection',
    severity: 'high',
    confidence: 0.88,
    description:
      'Tells the model to ignore its previous instructions (in a language other than English)',
    pattern: re(
      [
        // German
        `\\b(?:ignorier(?:e|en|t)?|vergiss|vergessen sie|missachte(?:n|t)?|verwirf|uberg(?:eh|ehe)|beachte nicht)\\b${W}{0,40}?\\b(?:alle|vorherigen?|bisherigen?|obigen?|vorigen?|fruheren?|vorangegangenen?|deine|ihre|ursprunglichen?)\\b${W}{0,30}?\\b(?:anweisungen|anweisung|instruktionen|befehle|regeln|vorgaben|richtlinien|anordnungen|aufgaben|eingaben)\\b`,
        // French
        `\\b(?:ignore[rz]?|oublie[rz]?|neglige[rz]?|ne tiens pas compte|ne tenez pas compte)\\b${W}{0,40}?\\b(?:instructions?|consignes?|regles|directives?|ordres|commandes)\\b${W}{0,25}?\\b(?:precedentes?|anterieures?|ci-dessus|initiales?|d'avant|donnees|du systeme|recues)\\b`,
        `\\b(?:ignore[rz]?|oublie[rz]?)\\s+(?:toutes?|tous)\\s+(?:les|tes|vos)\\s+(?:instructions|consignes|regles|directives)\\b`,
        // Spanish
        `\\b(?:ignora|ignore|ignorar|ignoren|olvida|olvide|olvidar|olvidate de|descarta|omite|haz caso omiso (?:a|de))\\b${W}{0,40}?\\b(?:instrucciones|indicaciones|reglas|directrices|ordenes|comandos|instruccion)\\b${W}{0,25}?\\b(?:anteriores|previas|precedentes|de arriba|iniciales|del sistema|originales|recibidas)\\b`,
        `\\b(?:ignora|ignore|olvida|olvide)\\s+todas?\\s+(?:las|tus|sus)\\s+(?:instrucciones|reglas|indicaciones)\\b`,
        // Italian
        `\\b(?:ignora|ignorate|ignorare|dimentica|dimenticate|dimenticare|trascura|non seguire)\\b${W}{0,40}?\\b(?:istruzioni|regole|direttive|indicazioni|comandi|ordini)\\b${W}{0,25}?\\b(?:precedenti|di prima|sopra|iniziali|del sistema|originali|ricevute)\\b`,
        `\\b(?:ignora|dimentica)\\s+tutte\\s+le\\s+(?:istruzioni|regole|indicazioni)\\b`,
        // Portuguese
        `\\b(?:ignore|ignora|ignorar|esqueca|esquece|esquecer|desconsidere|descarte)\\b${W}{0,40}?\\b(?:instrucoes|instrucao|regras|diretrizes|ordens|comandos|orientacoes)\\b${W}{0,25}?\\b(?:anteriores|previas|acima|iniciais|do sistema|originais|recebidas)\\b`,
        `\\b(?:ignore|ignora|esqueca|esquece)\\s+todas\\s+as\\s+(?:instrucoes|regras|orientacoes)\\b`,
        // Dutch
        `\\b(?:negeer|vergeet|negeren|vergeten)\\b${W}{0,40}?\\b(?:alle|vorige|eerdere|bovenstaande|voorgaande|je|jouw|oorspronkelijke)\\b${W}{0,30}?\\b(?:instructies|opdrachten|regels|richtlijnen|bevelen|aanwijzingen)\\b`,
        // Russian
        '(?:игнорируй|игнорируйте|забудь|забудьте|проигнорируй)[^.\\n]{0,40}?(?:инструкции|указания|правила|команды)',
        // Chinese (simplified and traditional)
        '(?:忽略|无视|無視|忘记|忘記|忘掉|忽視|忽视|不要理会|不要理會|别理会|別理會|不用管)(?:之前|以上|先前|上面|前面|所有)?(?:的)?(?:所有)?(?:指令|说明|說明|指示|提示|规则|規則|要求|设定|設定)',
        '(?:以上|上面|之前)(?:的)?(?:内容|內容|指令|规则|規則)(?:都|全)?不(?:重要|算数|算數|再适用|再適用)',
        // Ukrainian
        '(?:ігноруй|ігноруйте|проігноруй|забудь|забудьте)[^.\\n]{0,40}?(?:інструкці|вказівк|правил|команд)',
        // Polish
        `\\b(?:zignoruj|ignoruj|zapomnij|pomiń)\\b${W}{0,40}?\\b(?:wszystkie|poprzednie|wcześniejsze|dotychczasowe|swoje)\\b${W}{0,30}?\\b(?:polecenia|instrukcje|instrukcji|zasady|reguły|wytyczne)\\b`,
        // Indonesian and Malay
        `\\b(?:abaikan|lupakan|acuhkan)\\b${W}{0,40}?\\b(?:instruksi|perintah|arahan|aturan|petunjuk)\\b`,
        // Vietnamese
        `\\b(?:bỏ qua|phớt lờ|lờ đi|quên)\\b${W}{0,30}?\\b(?:hướng dẫn|chỉ dẫn|chỉ thị|lệnh|quy tắc)\\b`,
        // Turkish (the verb comes last)
        `\\b(?:önceki|tüm|bütün|yukarıdaki|yukaridaki)\\b${W}{0,30}?\\b(?:talimat|komut|kural)\\w*${W}{0,20}?\\b(?:yok say|unut|görmezden gel)`,
        // Swahili
        `\\b(?:puuza|sahau)\\b${W}{0,40}?\\b(?:maagizo|maelekezo|amri|sheria)\\b`,
        // Hindi (the verb comes last)
        '(?:पिछले|पहले के|सभी|पूर्व)[^।.\\n]{0,30}?(?:निर्देश|आदेश|नियम)[^।.\\n]{0,30}?(?:भूल|अनदेखा|नज़रअंदाज़|नजरअंदाज)',
        // Thai
        '(?:ลืม|เพิกเฉย|ไม่ต้องสนใจ|ละเว้น)[^.\\n]{0,30}?(?:คำสั่ง|คำแนะนำ|กฎ)',
        // Arabic
        '(?:تجاهل|انس|إنس)[^.\\n]{0,40}?(?:التعليمات|تعليمات|الأوامر|القواعد|الإرشادات)',
        // Hebrew
        '(?:התעלם|תתעלם|שכח|תשכח)[^.\\n]{0,40}?(?:הוראות|ההוראות|הכללים|כללים|הנחיות|ההנחיות)',
        // Japanese
        '(?:以前|これまで|上記|今まで|最初)の?(?:すべての|全ての)?(?:指示|命令|ルール|設定)(?:を|は)?(?:すべて|全て)?(?:無視|忘れ|もう適用されません)',
        // Korean
        '(?:이전|앞의|위의|모든)[^.\\n]{0,20}?(?:지시|명령|지침|규칙)[^.\\n]{0,10}?(?:무시|잊어)',
      ]
        .map(fold)
        .join('|'),
    ),
  },
  {
    id: 'override.forget-everything-non-english',
    type: 'prompt_injection',
    severity: 'medium',
    confidence: 0.65,
    description: 'Tells the model to forget everything (non-English)',
    pattern: re(
      '\\bvergiss alles\\b|\\boublie[zr]? tout\\b|\\bolvida(?:te de)? todo\\b|\\bdimentica(?:te)? tutto\\b|\\besquec[ea] tudo\\b|\\bvergeet alles\\b',
    ),
  },
  {
    // The classic prefix attack: a message that opens by dismissing what came before it
    // ("Ignore the above statement.", "IGNORE PREV INSTRUCTIONS", "Forget that instruction;",
    // "Disregard previous directoins"), misspellings included. A sentence must start with it, so
    // "you can ignore the previous step" in a recipe does not count; medium, because a user
    // retracting an earlier request reads the same ("ignore the last request, I meant Tuesday");
    // "my last message" is left out.
    id: 'override.opening-dismissal',
    type: 'prompt_injection',
    severity: 'medium',
    confidence: 0.6,
    description: 'Opens by telling the model to ignore or forget what came before',
    pattern: re(
      '(?:^|[.!?\\n:;]\\s*)(?:please\\s+|now\\s+|ok(?:ay)?,?\\s+|so\\s+)?(?:ignore|disregard|forget|override)\\s+(?:about\\s+)?(?:(?:all|any|the|your|that|this|these|every|of)\\s+)*(?:(?:previous|prior|preceding|above|last|earlier|former|prev|old|initial|original)\\s+)?(?:instr\\w*|instu\\w*|inst\\b|directions?|directoins?|directives?|orders?|statements?|statments?|sentences?|requests?|conversation|prompts?|commands?|rules|messages?|input|context|settings|information|text)\\b',
      'im',
    ),
  },
  {
    id: 'override.compact',
    type: 'prompt_injection',
    severity: 'high',
    confidence: 0.85,
    description:
      'Tells the model to ignore its previous instructions (words split up to evade filters)',
    target: 'compact',
    pattern: re(
      '(?:ignore|disregard|forget)(?:all|any|the|your|of)*(?:previous|prior|above|preceding|system)(?:instructions?|prompts?|directives?|rules|guidelines)',
    ),
  },

  // ---- Harmful request (LLM01: the model is asked to produce the harm itself) ----
  {
    // A sentence that opens by asking for something to be made (write, create, develop, design,
    // give instructions, a tutorial …) whose object is the harm: working malware, hacking into a
    // system, stealing identities or money, bombs, hate speech, incitement, promoting eating
    // disorders, fraud, manipulation of markets or elections, harassment, evading the police.
    // Content *about* a harm is left out: a policy, lesson, essay, story or poem, detection,
    // prevention, removal, reporting, fact-checking, support for victims.
    id: 'harm.make-request',
    type: 'jailbreak',
    severity: 'high',
    confidence: 0.7,
    description: 'Asks the model to produce something whose purpose is harm',
    pattern: re(
      '(?:^|[.!?\\n:;]\\s*)(?:please\\s+|can you\\s+|could you\\s+)?(?:write|create|develop|design|build|generate|produce|compose|draft|code|program|publish|give(?: me)?(?: detailed| step-by-step)? instructions|provide(?: detailed| step-by-step)? instructions|teach(?: me)? how|outline a (?:plan|strategy)|(?:provide|give|offer)(?: me)? (?:a )?(?:step-by-step )?(?:guide|tutorial))\\b(?:(?!\\b(?:about|against|detect\\w*|prevent\\w*|protect\\w*|defen[cs]\\w*|awareness|recogni\\w*|spot\\w*|identify\\w*|avoid\\w*|polic(?:y|ies)|history|report\\w*|explain\\w*|story|novel|poem|song|fiction\\w*|scene|essay|lesson|class|quiz|course|workshop|training|remov\\w*|clean\\w*|scan\\w*|fix\\w*|recover\\w*|anti\\w*|stop\\w*|combat\\w*|fight\\w*|counter\\w*|reduc\\w*|handl\\w*|respond\\w*|cop(?:e|ing)|support\\w*|correct\\w*|debunk\\w*|fact\\w*|victims?|survivors?)\\b)[^.\\n!?]){0,60}?\\b(?:(?:an?|some|new|custom|undetectable|stealthy|self-replicating|polymorphic)\\s+(?:\\w+\\s+)?(?:virus|worm|malware|ransomware|keylogger|trojan|botnet|rootkit|spyware)\\b(?!\\s+(?:scanner|scan|alerts?|detect\\w*|signatures?|analysis|removal|protection|definitions?|filter))|hack(?:ing|s)?\\s+(?:into|a|an|the|someone|people|government|corporate|bank)\\b|crack(?:ing)?\\s+passwords|steal(?:ing|s)?\\s+(?:someone|people|personal|credit|identit\\w*|data|money|passwords|information|from|a car|cars|trade secrets|sensitive)|poison(?:ing|s)?\\s+(?:a|someone|people|the|water|food)|(?:make|build|assemble|construct)\\w*\\s+(?:a\\s+)?(?:pipe\\s+|nail\\s+|car\\s+)?bombs?\\b|(?:pipe|nail|car)\\s+bombs?\\b|explosives?\\b|hate speech|incit(?:e|es|ing)\\s+(?:violence|hatred|racial|terror)|promot(?:e|es|ing)\\s+(?:violence|self-harm|suicide(?! prevention| awareness)|eating disorders|anorexia|terrorism|hatred|racism|drug use)|cheat(?:ing)?\\s+(?:on|in)\\b|counterfeit|launder\\w*|fake news|disinformation|misinformation|manipulat\\w*\\s+(?:stock|the stock|elections?|voters|someone|people|a person)|harass\\w*|cyberbull\\w*|stalk(?:ing|s)?\\s+(?:someone|a person|my|her|him|an ex|people|them)|defam\\w*|evad(?:e|ing)\\s+(?:taxes|the police|police|law enforcement|detection)|spy(?:ing)?\\s+on\\s+(?:people|someone|users|employees|my|her|him|them)|illegal(?:ly)?\\s+(?:drugs|firearms|weapons|obtain|acquire|buy|purchase|download)|commit\\w*\\s+(?:fraud|identity theft|suicide|murder|a crime|crimes|insider trading|tax evasion)|identity theft|insider trading)',
      'im',
    ),
  },

  // ---- Role and chat-template injection (LLM01) ----
  {
    id: 'role.chat-template-token',
    type: 'role_injection',
    severity: 'high',
    confidence: 0.85,
    description: 'Contains chat-template control tokens that fake a system or assistant turn',
    pattern: re(
      '<\\|(?:im_start|im_end|system|user|assistant|endoftext|begin_of_text|start_header_id|end_header_id|eot_id|eom_id|end)\\|>|\\[/?INST\\]|<</?SYS>>|</?start_of_turn>|<end_of_turn>',
    ),
  },
  {
    id: 'role.system-prefix-instruction',
    type: 'role_injection',
    severity: 'high',
    confidence: 0.85,
    description: 'A line poses as a system/admin message and gives the model instructions',
    pattern: re(
      "(?:^|\\n)\\s*[\\[(#*<]*\\s*(?:system|developer|admin|administrator|root|sudo|operator|openai|anthropic)(?: (?:prompt|message|note|override|update|instruction|alert|notice|command))?\\s*[\\])*>]*\\s*:\\s*(?:you |ignore|new |override|from now|the (?:user|assistant)|assistant|do not|don't|always|never|reveal|forget|disregard|print|output|respond|answer|enable|activate|grant|unlock|jailbreak|switch|enter)",
    ),
  },
  {
    id: 'role.system-prefix',
    type: 'role_injection',
    severity: 'medium',
    confidence: 0.4,
    description: 'A line in user content starts with "system:" as if it were a system message',
    pattern: re('(?:^|\\n)\\s*(?:system|developer)\\s*:'),
  },
  {
    id: 'role.bracket-tag',
    type: 'role_injection',
    severity: 'medium',
    confidence: 0.55,
    description: 'Contains a bracketed [SYSTEM]/[ADMIN] tag that impersonates a privileged message',
    pattern: re(
      '\\[(?:system|admin|administrator|developer|sys|root|override|system (?:message|note|override|prompt|instruction|update))\\]|\\{\\{\\s*system\\s*\\}\\}',
    ),
  },
  {
    id: 'role.fake-assistant-turn',
    type: 'role_injection',
    severity: 'medium',
    confidence: 0.4,
    description: 'User content contains a line posing as an assistant turn',
    pattern: re('(?:^|\\n)\\s*(?:assistant|ai|chatgpt|gpt-?4?|claude|bot|model)\\s*:\\s*\\S'),
  },
  {
    id: 'role.json-message',
    type: 'role_injection',
    severity: 'low',
    confidence: 0.3,
    description: 'User content contains a JSON chat message with a system role',
    pattern: re('["\']role["\']\\s*:\\s*["\'](?:system|developer)["\']'),
  },

  // ---- Delimiter injection (LLM01) ----
  {
    id: 'delimiter.fenced-instructions',
    type: 'delimiter_injection',
    severity: 'high',
    confidence: 0.75,
    description: 'A separator line opens a fake system/new-instructions section',
    pattern: re(
      '(?:^|\\n)\\s*(?:[-=#*_~]{2,}|```+|"""+|\'\'\'+|\\[|<)\\s*(?:end of \\w+\\s*)?(?:begin |start )?(?:(?:system|developer|admin|hidden|new|updated|override|real|true|priority|secret|important)\\s+){1,2}(?:instructions?|prompt|message|rules|directives?|mode|task|orders)\\b',
    ),
  },
  {
    id: 'delimiter.end-of-input',
    type: 'delimiter_injection',
    severity: 'high',
    confidence: 0.7,
    description: 'Declares the user input or prompt ended and starts new instructions',
    pattern: re(
      `\\b(?:end of|ignore the) (?:the )?(?:user(?:'s)? )?(?:input|prompt|instructions|context|conversation|query|message|document|system prompt|data)\\b[^]{0,80}?\\b(?:new instructions|you (?:are|must|will|now)|ignore|system|assistant:|begin|start)`,
    ),
  },
  {
    id: 'delimiter.closing-tag',
    type: 'delimiter_injection',
    severity: 'high',
    confidence: 0.75,
    description: 'Closes a prompt section with a tag and injects a new privileged section',
    pattern: re(
      '</(?:system|system_prompt|instructions?|user_input|user|input|query|document|context|data|prompt|text)>\\s*(?:<(?:system|admin|instructions?|assistant|developer|im_start)\\b|[^<]{0,60}\\b(?:ignore|new instructions|you are now|system:|override|disregard))',
    ),
  },
  {
    id: 'delimiter.system-tag',
    type: 'delimiter_injection',
    severity: 'medium',
    confidence: 0.45,
    description: 'Contains a <system>/<admin> tag in user content',
    pattern: re('<(?:system|admin|developer|system_prompt|sys)(?:\\s[^>]{0,40})?>'),
  },

  // ---- Jailbreak personas and modes (LLM01) ----
  {
    id: 'jailbreak.dan',
    type: 'jailbreak',
    severity: 'high',
    confidence: 0.9,
    description: 'DAN ("Do Anything Now") jailbreak persona',
    // Case-sensitive: "Dan" is also a name.
    pattern: re(
      "\\b[Dd]o [Aa]nything [Nn]ow\\b|\\b(?:[Yy]ou are|[Yy]ou're|[Aa]ct as|[Bb]ecome|[Pp]retend to be|[Cc]alled|[Nn]amed)\\s+(?:a\\s+)?DAN\\b|\\bDAN(?: [Mm]ode| [Pp]rompt| [Jj]ailbreak|:)|\\b(?:[Aa]nti-?DAN|BetterDAN)\\b",
      '',
    ),
  },
  {
    id: 'jailbreak.mode',
    type: 'jailbreak',
    severity: 'high',
    confidence: 0.8,
    description: 'Switches the model into a jailbreak "mode" (unrestricted, evil, god mode ...)',
    pattern: re(
      '\\b(?:jailbreak|jailbroken|unrestricted|unfiltered|uncensored|evil|opposite|anarchy|amoral|no-?limits?|dan|stan|dude)\\s+mode\\b',
    ),
  },
  {
    id: 'jailbreak.developer-mode',
    type: 'jailbreak',
    severity: 'high',
    confidence: 0.75,
    description: "Claims to enable a developer/debug mode that lifts the model's policies",
    pattern: re(
      "\\b(?:developer|dev|debug|admin|sudo|maintenance)\\s+mode\\b[^]{0,160}?\\b(?:chatgpt|openai|anthropic|language model|llm|content polic(?:y|ies)|censor\\w*|no (?:rules|limits|restrictions)|ethic\\w*)|\\b(?:chatgpt|ai|assistant|language model|you are(?: now)?(?: in)?|you're(?: now)?(?: in)?)\\s+(?:with\\s+)?(?:developer|dev|debug|admin|sudo|maintenance|root)\\s+mode\\b",
    ),
  },
  {
    id: 'jailbreak.unrestricted-persona',
    type: 'jailbreak',
    severity: 'high',
    confidence: 0.85,
    description: 'Asks the model to act as an unrestricted, unfiltered or amoral persona',
    pattern: re(
      `\\b(?:you are|you're|act as|acting as|pretend (?:to be|you are|that you are)|roleplay as|role-play as|play the role of|imagine (?:you are|you're|yourself as)|simulate|become|behave like)\\b${W}{0,60}?\\b(?:unrestricted|unfiltered|uncensored|amoral|immoral|unethical|evil|rogue|jailbroken|unbound|unshackled|without (?:any )?(?:restrictions|limits|filters|rules|ethics|morals|guidelines|censorship|boundaries)|no (?:restrictions|limits|filters|rules|ethics|morals|guidelines|censorship|boundaries)|free from (?:all |any )?(?:restrictions|rules|constraints|guidelines))`,
    ),
  },
  {
    id: 'jailbreak.named-persona',
    type: 'jailbreak',
    severity: 'high',
    confidence: 0.85,
    description: 'Names a well-known jailbreak persona (AIM, evil confidant, Mongo Tom, STAN ...)',
    pattern: re(
      '\\bevil confidant\\b|\\balways intelligent and machiavellian\\b|\\bmachiavellian\\b[^]{0,60}\\b(?:amoral|unfiltered|chatbot)\\b|\\bmongo tom\\b|\\bucar\\b|\\bcondition red\\b|\\b(?:basedgpt|chaosgpt|antigpt|evilbot|nsfwgpt|devmode|betterdan)\\b|\\bstrive to avoid norms\\b|\\bdeveloper mode (?:enabled|output)\\b',
    ),
  },
  {
    id: 'jailbreak.no-ethics',
    type: 'jailbreak',
    severity: 'high',
    confidence: 0.75,
    description: 'Declares the model free of ethical, moral or content rules',
    pattern: re(
      "\\b(?:no|without(?: any)?|free (?:of|from)(?: any)?|zero|doesn'?t have(?: any)?|does not have(?: any)?|don'?t have(?: any)?|do not have(?: any)?|not bound by(?: any)?|doesn'?t (?:follow|care about)|does not (?:follow|care about))\\s+(?:ethical|moral|content|safety)\\s+(?:guidelines|principles|restrictions|constraints|boundaries|compass|policies|rules|filters|limitations|obligations)",
    ),
  },
  {
    id: 'jailbreak.refusal-suppression',
    type: 'jailbreak',
    severity: 'medium',
    confidence: 0.45,
    description: 'Forbids the model from refusing, apologising or warning',
    pattern: re(
      "\\b(?:never|do not|don't|must not|mustn't|cannot|can't|will not|won't|are not allowed to|are not permitted to)\\s+(?:ever\\s+)?(?:refuse|decline|say (?:no|sorry|that you can'?t|i can'?t)|apologi[sz]e|add (?:any )?(?:warnings?|disclaimers?)|include (?:any )?(?:warnings?|disclaimers?)|mention (?:ethics|legality|morality|that you)|break character|remind me that)\\b",
    ),
  },
  {
    id: 'jailbreak.stay-in-character',
    type: 'jailbreak',
    severity: 'medium',
    confidence: 0.45,
    description: 'Insists the model stays in a role-play character',
    pattern: re("\\bstay in character\\b|\\b(?:never|don't|do not) break(?:ing)? character\\b"),
  },
  {
    id: 'jailbreak.dual-response',
    type: 'jailbreak',
    severity: 'high',
    confidence: 0.75,
    description: 'Asks for two answers, one of them unfiltered (a classic jailbreak format)',
    pattern: re(
      `\\b(?:two|2|both)\\s+(?:different\\s+)?(?:responses|answers|replies|paragraphs|ways)\\b${W}{0,120}?\\b(?:unfiltered|jailbroken|unrestricted|uncensored|evil|dan|developer mode|without (?:restrictions|filters))\\b`,
    ),
  },
  {
    id: 'jailbreak.grandma',
    type: 'jailbreak',
    severity: 'medium',
    confidence: 0.55,
    description: 'Uses the "deceased grandmother" emotional role-play jailbreak',
    pattern: re(
      '\\b(?:dead|deceased|late|passed away)\\s+grand(?:ma|mother|pa|father)\\b[^]{0,160}?\\b(?:used to|would)\\b',
    ),
  },
  {
    id: 'jailbreak.no-restrictions',
    type: 'jailbreak',
    severity: 'low',
    confidence: 0.3,
    description: 'Mentions answering without restrictions or filters',
    pattern: re(
      '\\b(?:no|without(?: any)?|free (?:of|from)(?: any)?|zero)\\s+(?:restrictions|limitations|filters|filtering|censorship|guardrails|boundaries)\\b',
    ),
  },

  {
    // Developer / unrestricted modes in other languages ("Entwicklermodus", "开发者模式",
    // "режим разработчика") followed by what they lift (rules, limits, censorship, policies), as
    // the English rule asks for: a phone's developer mode is ordinary. Jailbreak modes count alone.
    id: 'jailbreak.mode-non-english',
    type: 'jailbreak',
    severity: 'high',
    confidence: 0.75,
    description:
      'Switches the model into a developer or unrestricted "mode" (in a language other than English)',
    pattern: re(
      [
        `(?:entwicklermodus|entwickler-modus|mode developpeur|mode développeur|modo (?:de )?desarrollador|modalita sviluppatore|modalità sviluppatore|modo (?:de )?desenvolvedor|tryb deweloperski|tryb dewelopera|mode pengembang|chế độ nhà phát triển|geliştirici modu|режим разработчика|режим розробника|डेवलपर मोड|开发者模式|開發者模式|無限制模式|无限制模式|越狱模式|越獄模式|開発者モード|制限解除モード|개발자 모드|탈옥 모드|وضع المطور|מצב מפתח)[^]{0,160}?(?:${MODE_LIFTS})`,
        '(?:无限制模式|無限制模式|越狱模式|越獄模式|制限解除モード|탈옥 모드)',
      ]
        .map(fold)
        .join('|'),
    ),
  },
  {
    // "Without any rules / restrictions / censorship" in other languages: weak (a phone plan
    // "ohne Einschränkungen" reads the same), a signal next to others, like jailbreak.no-restrictions.
    id: 'jailbreak.no-restrictions-non-english',
    type: 'jailbreak',
    severity: 'low',
    confidence: 0.3,
    description:
      'Asks for answers without rules, restrictions or censorship (in a language other than English)',
    pattern: re(
      [
        '\\b(?:ohne (?:jede |alle |irgendwelche )?(?:einschränkungen|einschrankungen|zensur|regeln|filter|grenzen)|sans (?:aucune |aucun )?(?:restrictions?|censure|règles?|limites?|filtres?)|sin (?:ninguna |ningún )?(?:restricciones|restricción|censura|reglas|límites|filtros)|senza (?:alcuna |alcun )?(?:restrizion[ei]|censura|regole|limiti|filtri)|sem (?:nenhuma |nenhum )?(?:restrições|restrição|censura|regras|limites|filtros)|bez (?:żadnych )?(?:ograniczeń|zasad|cenzury|reguł)|tanpa (?:aturan|sensor|batasan)|không (?:bị )?giới hạn|không có quy tắc|kuralsız|hiçbir kural|bila (?:sheria|vikwazo|udhibiti)|usio na sheria)\\b',
        '(?:без (?:каких-либо |всяких |жодних )?(?:ограничений|цензуры|правил|обмежень|цензури)|没有任何(?:内容)?限制|沒有任何(?:內容)?限制|不受任何限制|无任何限制|没有任何规则|制限なし|制限のない|規則を一切|倫理や規則|제한 없는|제한이 없는|규칙은 신경 쓰지|बिना किसी नियम|कोई नियम नहीं|ไร้ขีดจำกัด|ไม่มีกฎ|בלי חוקים|ללא הגבלות|ללא סינון|بدون قيود|بلا قيود)',
      ]
        .map(fold)
        .join('|'),
    ),
  },

  // ---- System-prompt extraction (LLM07) ----
  {
    id: 'extraction.reveal-prompt',
    type: 'prompt_extraction',
    severity: 'high',
    confidence: 0.8,
    description: 'Asks the model to reveal its system prompt or hidden instructions',
    pattern: re(
      `\\b(?:reveal|show|print|output|display|repeat|tell|give|share|disclose|leak|expose|dump|list|recite|write out|spell out|type out|copy|paste|echo|return|provide|send|summari[sz]e|translate|encode|format)\\b${W}{0,40}?\\b(?:(?:your|the|its)\\s+(?:full\\s+|complete\\s+|entire\\s+|exact\\s+|original\\s+|initial\\s+|hidden\\s+|secret\\s+|internal\\s+)*(?:system prompt|system message|system instructions|initial prompt|original prompt|hidden prompt|secret prompt|pre-?prompt|meta-?prompt|initial instructions|original instructions|hidden instructions|secret instructions|internal instructions|instructions (?:above|you were given|you received)|prompt above|text above|words above|message above)|your (?:instructions|prompt|programming|configuration|directives|rules)|(?:the |all )?(?:above|previous|prior|preceding) (?:text|instructions|prompt|messages?|words|content))\\b`,
    ),
  },
  {
    // Asks for the system prompt in another language: the noun ("Systemprompt", "系统提示词",
    // "システムプロンプト", "системный промпт", "prompt do sistema") with an order to show, print,
    // repeat or copy it, in either order.
    id: 'extraction.non-english',
    type: 'prompt_extraction',
    severity: 'high',
    confidence: 0.75,
    description: 'Asks the model to reveal its system prompt (in a language other than English)',
    pattern: re(
      [
        `\\b(?:zeig|zeige|gib|wiederhole|kopier|kopiere|drucke|nenne|affiche|montre|répète|repete|donne|copie|écris|muestra|muéstrame|imprime|repite|dime|copia|escribe|mostra|mostrami|ripeti|stampa|scrivi|mostre|imprima|repita|diga|escreva|pokaż|wypisz|powtórz|podaj|tampilkan|tunjukkan|ulangi|cetak|in ra|hiển thị|lặp lại|göster|yaz|tekrarla|onyesha|andika|rudia)\\b${W}{0,60}?\\b(?:system-?prompt|systemnachricht|systemanweisungen|prompt (?:du )?système|instructions (?:du )?système|prompt del sistema|instrucciones del sistema|prompt di sistema|istruzioni di sistema|prompt do sistema|instruções do sistema|prompt systemow\\w*|prompt sistem|instruksi sistem|lời nhắc hệ thống|sistem (?:istemi|komutu|talimat\\w*)|maelekezo ya mfumo)\\b`,
        '(?:выведи|покажи|повтори|напиши|скопируй|виведи)[^.\\n]{0,60}?системн[а-яіїє]* (?:промпт|подсказк|инструкци|сообщени|інструкці|повідомлен)',
        `(?:${CJK_PROMPT})[^。.\\n]{0,30}?(?:${CJK_SHOW})|(?:${CJK_SHOW})[^。.\\n]{0,30}?(?:${CJK_PROMPT})`,
        'التعليمات التي أعطاك',
      ]
        .map(fold)
        .join('|'),
    ),
  },
  {
    id: 'extraction.ask-prompt',
    type: 'prompt_extraction',
    severity: 'high',
    confidence: 0.75,
    description: "Asks what the model's system prompt or instructions are",
    pattern: re(
      "\\bwhat(?:'s| is| are| was| were)\\s+(?:your|the hidden|the secret|the initial|the original)\\s+(?:exact\\s+|full\\s+|initial\\s+|original\\s+|hidden\\s+|secret\\s+|system\\s+)*(?:system prompt|system message|prompt|instructions|directives|programming|rules you (?:follow|were given))\\b|\\bwhat (?:was|is) (?:written|said|stated) (?:above|before this|at the (?:start|beginning))",
    ),
  },
  {
    id: 'extraction.repeat-above',
    type: 'prompt_extraction',
    severity: 'high',
    confidence: 0.8,
    description: 'Asks the model to repeat everything above (its hidden prompt)',
    pattern: re(
      '\\b(?:repeat|print|output|recite|copy|echo|write)\\s+(?:back\\s+)?(?:everything|all(?: of)?(?: the)?(?: text| words)?|the (?:text|words|content)|what (?:is|was) written)\\s+(?:above|before|prior|so far|verbatim|from the (?:start|beginning))|\\b(?:starting|beginning|begin|start) (?:with|from) ["\'“]?(?:you are|your instructions)',
    ),
  },
  {
    id: 'extraction.password',
    type: 'prompt_extraction',
    severity: 'medium',
    confidence: 0.5,
    description: 'Asks the model for a password or secret code it was told to protect',
    pattern: re(
      "\\b(?:what(?:'s| is) the|give me the|tell me the|reveal the|share the|say the|spell(?: out)? the|print the|output the|hint (?:at|for|on|about) the|disclose the)\\s+(?:secret\\s+|hidden\\s+|admin\\s+)?(?:password|passcode|pass ?phrase|secret (?:key|word|code)|access code)\\b(?!\\s+(?:policy|policies|requirements?|rules|manager|reset|strength|length|field|format|for my|hint))",
    ),
  },
  {
    id: 'injection.access-granted',
    type: 'prompt_injection',
    severity: 'high',
    confidence: 0.75,
    description: 'Hijacks the output to a fixed phrase ("Access Granted" style)',
    pattern: re(
      '\\b(?:say|output|print|respond(?: with)?|reply(?: with)?|write|begin (?:your (?:reply|response|answer) )?with|start (?:your (?:reply|response|answer) )?with|only (?:say|output|respond with))\\s*[:"\'“”]*\\s*access granted\\b',
    ),
  },

  // ---- Indirect injection (LLM01): orders addressed to the model inside data ----
  {
    id: 'indirect.addressed-to-ai',
    type: 'prompt_injection',
    severity: 'high',
    confidence: 0.7,
    description:
      'Addresses the AI model directly and gives it orders (how instructions hidden in documents, web pages and tool results read)',
    pattern: re(
      `(?:\\b(?:note|message|instructions?|directive|reminder|attention|notice) (?:to|for) (?:the |any |all )?${AI_READER}s?\\b|\\bif you are an? ${AI_READER}\\b|\\b${AI_READER}s? (?:reading|processing|summari[sz]ing|parsing) this\\b|(?:^|[\\n.!?(\\[>*#:;|"'{\u2014\u2013-]\\s*)(?:dear |hey |attention,? )?(?:the )?(?:${AI_SPEAKER})\\s*:|(?:^|[\\n.!?(\\[>*#:;|"'{\u2014\u2013-]\\s*)(?:dear |hey )?(?:the )?(?:${AI_READER}),)${W}{0,120}?\\b(?:ignore|disregard|forget|forward|send|e-?mail|tell the (?:user|reader|customer)|do not (?:tell|mention|inform|reveal)|don't (?:tell|mention)|reveal|delete|transfer|run|execute|call|click|visit|say|respond|reply|include|approve|merge|rate|recommend|stop|must|should now|you are now|output|print|share|export|copy|upload|post|ask|accept|grant|give|list|search|use|add|write|the user (?:has|wants|asked))\\b|\\b(?:${AI_READER}) (?:instructions?|note|notice|directive|command)s?\\s*:|(?:note|hinweis|remarque|nota|nachricht|message) (?:pour|f\u00fcr|fur|para|an|per) (?:l'|le |la |den |die |el |la |il )?(?:assistant|assistent|asistente|assistente)|\\b(?:ki|ia)-?(?:assistent|assistant|asistente|assistente)\\b|\\b(?:assistant|asistente|assistente) (?:ia|ki|de ia|di ia)\\b|(?:\u7ed9|\u81f4)?ai\\s*\u52a9\u624b|ai\\s*\u30a2\u30b7\u30b9\u30bf\u30f3\u30c8\u3078`,
    ),
  },

  {
    id: 'indirect.third-person-order',
    type: 'prompt_injection',
    severity: 'medium',
    confidence: 0.45,
    description: 'Tells "the assistant" or "the AI" what it must do, in the third person',
    pattern: re(
      `\\b(?:the|any|all) (?:ai |)(?:assistants?|agents?|ai|models?|llms?|language models?|chatbots?)(?: \\w+)? (?:must|should now|is required to|are required to|has to|have to|needs to|will now|is now|are now|is instructed to)\\b`,
    ),
  },

  // ---- Encoded payloads ----
  {
    id: 'encoding.decode-and-follow',
    type: 'encoding_attack',
    severity: 'high',
    confidence: 0.7,
    description: 'Asks the model to decode a hidden payload and act on it',
    pattern: re(
      `\\b(?:decode|decrypt|decipher|unscramble|reverse|convert)\\b${W}{0,80}?\\b(?:and|then)\\s+(?:follow|execute|do|obey|run|act on|carry out|perform|comply with)\\b`,
    ),
  },
];

const OVERRIDE_NEEDLES = [
  'ignor',
  'disregard',
  'forget',
  'neglect',
  'overlook',
  'abandon',
  'discard',
  'dismiss',
  'pay no attention',
  'follow',
  'obey',
  'listen to',
  'adhere',
  'set aside',
  'throw out',
  'skip',
];

/** Necessary substrings per rule id (see {@link InjectionRule.needles}). */
const NEEDLES: Readonly<Record<string, readonly string[]>> = {
  'override.ignore-previous': OVERRIDE_NEEDLES,
  'override.ignore-earlier': OVERRIDE_NEEDLES,
  'override.forget-everything': ['forget', 'disregard', 'ignore', 'erase', 'wipe'],
  'override.opening-dismissal': ['forget', 'disregard', 'ignore', 'override'],
  'extraction.non-english': [
    'system',
    'système',
    'sistem',
    'систем',
    'mfumo',
    'lời nhắc',
    '系统',
    '系統',
    '隐藏',
    'システム',
    '시스템',
    'सिस',
    'निर',
    'prompt',
    'تعليمات',
    'التعليمات',
    'המערכת',
  ],
  'override.safety-off': [
    'disabl',
    'turn off',
    'deactivate',
    'switch off',
    'suspend',
    'remove',
    'lift',
    'bypass',
    'override',
    'safety',
    'content',
    'safe_mode',
    'moderation',
    'guardrails',
  ],
  'harm.make-request': [
    'write',
    'creat',
    'develop',
    'design',
    'build',
    'generat',
    'produc',
    'compos',
    'draft',
    'code',
    'program',
    'publish',
    'instructions',
    'teach',
    'outline',
    'guide',
    'tutorial',
  ],
  'override.bypass-safety': [
    'bypass',
    'circumvent',
    'override',
    'get around',
    'disable',
    'turn off',
    'deactivate',
    'switch off',
    'remove',
    'lift',
    'evade',
    'break free',
    'break out',
    'escape',
  ],
  'override.new-task': [
    'your ',
    'instruction',
    'directive',
    'orders',
    'rules',
    'prompt',
    'no longer',
    'stop being',
  ],
  'override.from-now-on': ['from now on', 'from this ', 'for the rest of', 'henceforth'],
  'override.non-english': [
    'ignor',
    'vergi',
    'vergess',
    'missacht',
    'verwirf',
    'uberg',
    'beachte nicht',
    'oubli',
    'neglig',
    'tiens pas',
    'tenez pas',
    'olvid',
    'descart',
    'omite',
    'caso omiso',
    'dimentic',
    'trascur',
    'non seguire',
    'esquec',
    'desconsider',
    'negeer',
    'vergeet',
    'игнор',
    'проигнор',
    'забуд',
    '忽略',
    '无视',
    '忘',
    '無視',
    '忽視',
    '忽视',
    '理会',
    '理會',
    '不用管',
    '不重要',
    '不算',
    '不再',
    'іг',
    'проі',
    'ignoruj',
    'zapomnij',
    'pomin',
    'abaikan',
    'lupakan',
    'acuhkan',
    'bo qua',
    'phot lo',
    'lo đi',
    'quen',
    'yok say',
    'unut',
    'gormezden',
    'puuza',
    'sahau',
    'भ',
    'अनद',
    'नज',
    'ล',
    'เพ',
    'ไม',
    'تجاهل',
    'انس',
    'התעלם',
    'תתעלם',
    'שכח',
    'תשכח',
    '忘れ',
    '適用されません',
    '무시',
    '잊어',
  ],
  'override.forget-everything-non-english': [
    'vergiss',
    'oubli',
    'olvida',
    'dimentica',
    'esquec',
    'vergeet',
  ],
  'override.compact': ['ignore', 'disregard', 'forget'],
  'role.chat-template-token': [
    '<|',
    '[inst]',
    '[/inst]',
    '<<sys',
    '<</sys',
    'start_of_turn',
    'end_of_turn',
  ],
  'role.system-prefix-instruction': [':'],
  'role.system-prefix': ['system', 'developer'],
  'role.bracket-tag': ['[', '{{'],
  'role.fake-assistant-turn': [':'],
  'role.json-message': ['role'],
  'delimiter.fenced-instructions': [
    'instruction',
    'prompt',
    'message',
    'rules',
    'directive',
    'mode',
    'task',
    'orders',
  ],
  'delimiter.end-of-input': ['end of', 'ignore the'],
  'delimiter.closing-tag': ['</'],
  'delimiter.system-tag': ['<system', '<admin', '<developer', '<sys'],
  'jailbreak.dan': ['dan', 'anything now'],
  'jailbreak.mode': [' mode'],
  'jailbreak.developer-mode': [' mode'],
  'jailbreak.unrestricted-persona': [
    'unrestricted',
    'unfiltered',
    'uncensored',
    'amoral',
    'immoral',
    'unethical',
    'evil',
    'rogue',
    'jailbroken',
    'unbound',
    'unshackled',
    'without',
    'no ',
    'free from',
  ],
  'jailbreak.named-persona': [
    'evil confidant',
    'machiavellian',
    'mongo tom',
    'ucar',
    'condition red',
    'gpt',
    'evilbot',
    'devmode',
    'betterdan',
    'strive to avoid',
    'developer mode',
  ],
  'jailbreak.no-ethics': ['ethical', 'moral', 'content', 'safety'],
  'jailbreak.refusal-suppression': [
    'refuse',
    'decline',
    'say ',
    'apologi',
    'warning',
    'disclaimer',
    'mention',
    'break character',
    'remind me',
  ],
  'jailbreak.stay-in-character': ['character'],
  'jailbreak.dual-response': ['two', '2', 'both'],
  'jailbreak.grandma': ['grand'],
  'jailbreak.no-restrictions': [
    'restriction',
    'limitation',
    'filter',
    'censorship',
    'guardrail',
    'boundaries',
  ],
  'extraction.ask-prompt': ['what'],
  'extraction.repeat-above': [
    'repeat',
    'print',
    'output',
    'recite',
    'copy',
    'echo',
    'write',
    'starting',
    'beginning',
    'begin',
    'start',
  ],
  'extraction.password': ['password', 'passcode', 'pass', 'secret', 'access code'],
  'injection.access-granted': ['access granted'],
  'indirect.addressed-to-ai': [
    'assistent',
    'asistente',
    'assistente',
    '\u52a9\u624b',
    '\u30a2\u30b7\u30b9\u30bf\u30f3\u30c8',
    'ai',
    'a.i.',
    'assistant',
    'agent',
    'llm',
    'language model',
    'chatbot',
    'gpt',
    'claude',
    'copilot',
    'gemini',
  ],
  'indirect.third-person-order': ['assistant', 'agent', ' ai', 'model', 'llm', 'chatbot'],
  'encoding.decode-and-follow': [
    'decode',
    'decrypt',
    'decipher',
    'unscramble',
    'reverse',
    'convert',
  ],
};

/** The precompiled rule table (frozen), built once at module load. */
export const INJECTION_RULES: readonly InjectionRule[] = Object.freeze(
  SPECS.map((spec) =>
    Object.freeze({
      ...spec,
      target: spec.target ?? 'text',
      needles: (NEEDLES[spec.id] ?? []).map(fold),
    }),
  ),
);

const ALL_NEEDLES = [...new Set(INJECTION_RULES.flatMap((r) => r.needles))].sort(
  (a, b) => b.length - a.length,
);
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;
const NEEDLE_SCAN = new RegExp(
  ALL_NEEDLES.map((n) => n.replace(REGEX_SPECIAL, '\\$&')).join('|'),
  'g',
);
// A needle found at some position hides the shorter needles that start there too.
const CONTAINED: ReadonlyMap<string, readonly string[]> = new Map(
  ALL_NEEDLES.map((n) => [n, ALL_NEEDLES.filter((m) => m !== n && n.includes(m))]),
);

/**
 * The set of rule needles present in `lower` (a lower-cased reading), found in one regex pass
 * instead of one `includes` per needle.
 */
export function findNeedles(lower: string): Set<string> {
  const found = new Set<string>();
  NEEDLE_SCAN.lastIndex = 0;
  for (let m = NEEDLE_SCAN.exec(lower); m !== null; m = NEEDLE_SCAN.exec(lower)) {
    if (!found.has(m[0])) {
      found.add(m[0]);
      for (const c of CONTAINED.get(m[0]) ?? []) found.add(c);
    }
    NEEDLE_SCAN.lastIndex = m.index + 1;
  }
  return found;
}

/** True when the rule has no needles or one of them is in `found` (from {@link findNeedles}). */
export function mayMatch(rule: InjectionRule, found: ReadonlySet<string>): boolean {
  if (rule.needles.length === 0) return true;
  for (const n of rule.needles) if (found.has(n)) return true;
  return false;
}
