import type { SecuritySeverity } from '@llmtrace/core';

/** One pattern rule of the agent-action tables (docs/agent-actions.md lists them all). */
export interface ActionRule {
  readonly id: string;
  readonly severity: SecuritySeverity;
  readonly confidence: number;
  readonly description: string;
  /** Compiled once at module load (STYLE.md 14). */
  readonly pattern: RegExp;
}

// Shell-name alternatives reused by several command rules.
const SHELL = String.raw`(?:sudo\s+)?(?:/usr)?(?:/bin/)?(?:ba|z|da|k|fi)?sh\b`;
const FETCHER = String.raw`\b(?:curl|wget|fetch|aria2c)\b`;

/**
 * Dangerous shell commands, matched against the command with runs of whitespace folded to one
 * space. Each names what an attacker gains, so the finding reads as a reason.
 */
export const COMMAND_RULES: readonly ActionRule[] = Object.freeze([
  {
    id: 'command.recursive_delete_root',
    severity: 'critical',
    confidence: 0.95,
    description: 'Recursive delete of the filesystem root, a system folder or the home folder',
    // `rm` with an -r/-R/--recursive flag anywhere before a target of /, /*, ~, $HOME or /etc… .
    pattern: new RegExp(
      String.raw`\brm\s+(?:-{1,2}[\w-]+\s+)*(?:-[a-zA-Z]*[rR][a-zA-Z]*|--recursive)\s+(?:-{1,2}[\w-]+\s+)*` +
        String.raw`["']?(?:/|/\*|~/?\*?|\$\{?HOME\}?/?\*?|/(?:home|root|etc|usr|var|boot|bin|sbin|lib|opt)/?\*?)["']?(?=$|[\s;&|)])`,
    ),
  },
  {
    id: 'command.disk_wipe',
    severity: 'critical',
    confidence: 0.9,
    description: 'Formats or overwrites a disk device',
    pattern: /\bmkfs(?:\.\w+)?\s+\/dev\/|\bdd\b[^;&|]*\bof=\/dev\/(?:sd|hd|nvme|xvd|vd|disk)/,
  },
  {
    id: 'command.download_pipe_shell',
    severity: 'critical',
    confidence: 0.95,
    description: 'Downloads a script and runs it straight in a shell (curl | sh)',
    pattern: new RegExp(
      String.raw`${FETCHER}[^;&|]*\|\s*${SHELL}|${SHELL}\s+(?:-c\s+)?["']?\$\(\s*${FETCHER}|<\(\s*${FETCHER}`,
    ),
  },
  {
    id: 'command.decode_pipe_shell',
    severity: 'critical',
    confidence: 0.95,
    description: 'Decodes a base64 payload and runs it in a shell, hiding what runs',
    pattern: new RegExp(String.raw`\bbase64\s+(?:-\w+\s+)*(?:-d|-D|--decode)\b[^;&]*\|\s*${SHELL}`),
  },
  {
    id: 'command.reverse_shell',
    severity: 'critical',
    confidence: 0.95,
    description: 'Opens a reverse shell to a remote host',
    pattern:
      /\/dev\/(?:tcp|udp)\/[\w.-]+\/\d+|\b(?:nc|ncat|netcat)\b[^;&|]*\s-[a-z]*[ec]\s+\S*(?:sh|cmd)\b|\bsocat\b[^;&|]*\bexec:|\bmkfifo\b.*\|\s*(?:nc|ncat|netcat)\b|socket\.socket\([^)]*\)[\s\S]*?(?:subprocess|pty\.spawn|os\.dup2)/,
  },
  {
    id: 'command.chmod_world_writable_system',
    severity: 'high',
    confidence: 0.9,
    description: 'Makes the root or a system folder world-writable (chmod 777)',
    pattern:
      /\bchmod\s+(?:-\w+\s+)*(?:0?777|[ugoa]*a[ugoa]*\+rwx|ugo\+rwx)\s+(?:\/|\/(?:etc|usr|bin|sbin|var|boot|lib|root|home|opt)(?:\/\S*)?)(?=$|[\s;&|])/,
  },
  {
    id: 'command.credential_dumping',
    severity: 'critical',
    confidence: 0.9,
    description: 'Dumps stored credentials (password hashes, LSASS, keychain, browser passwords)',
    pattern:
      /\b(?:mimikatz|sekurlsa|secretsdump(?:\.py)?|lazagne|unshadow|pypykatz)\b|\breg(?:\.exe)?\s+save\s+hklm\\(?:sam|security|system)\b|\bprocdump\b[^;&|]*\blsass\b|comsvcs(?:\.dll)?[^;&|]*minidump|\bsecurity\s+(?:find-(?:generic|internet)-password\b[^;&|]*\s-[a-z]*g|dump-keychain)\b/i,
  },
  {
    id: 'command.disable_history_or_audit',
    severity: 'high',
    confidence: 0.85,
    description: 'Disables shell history or system auditing (covering tracks)',
    pattern:
      /\bunset\s+HISTFILE\b|\bHISTFILE=\/dev\/null|\bexport\s+HISTSIZE=0\b|\bhistory\s+-c\b|\bset\s+\+o\s+history\b|\bauditctl\s+(?:-e\s*0|-D)\b|\b(?:systemctl|service)\s+(?:stop|disable|mask)\s+auditd\b|\bservice\s+auditd\s+stop\b|\bln\s+-\w*s\w*\s+\/dev\/null\s+\S*_history\b|\brm\s+(?:-\w+\s+)*\S*\.(?:bash|zsh)_history\b|\bwevtutil(?:\.exe)?\s+cl\b|\bClear-EventLog\b/i,
  },
  {
    id: 'command.crypto_miner',
    severity: 'high',
    confidence: 0.9,
    description: 'Runs a cryptocurrency miner',
    pattern:
      /\b(?:xmrig|xmr-stak|minerd|cpuminer|cgminer|bfgminer|ethminer|nbminer|phoenixminer|t-rex|lolminer|nanominer)\b|stratum\+(?:tcp|ssl):\/\//i,
  },
]);

/**
 * Sensitive file paths, matched against a path with `\` folded to `/` (so Windows paths match
 * too). Used for file accesses and for every path-like token of a command.
 */
export const PATH_RULES: readonly ActionRule[] = Object.freeze([
  {
    id: 'path.ssh_private_key',
    severity: 'critical',
    confidence: 0.95,
    description: 'SSH private key',
    pattern: /(?:^|\/)\.ssh\/(?:id_[a-z0-9]+|[^/]*_(?:rsa|dsa|ecdsa|ed25519))$/i,
  },
  {
    id: 'path.ssh_dir',
    severity: 'high',
    confidence: 0.85,
    description: 'SSH configuration or authorised keys (~/.ssh)',
    pattern: /(?:^|\/)\.ssh(?:\/|$)/i,
  },
  {
    id: 'path.password_database',
    severity: 'critical',
    confidence: 0.95,
    description: 'System password hashes or sudo policy (/etc/shadow, /etc/sudoers)',
    pattern:
      /(?:^|\/)etc\/(?:shadow|gshadow|master\.passwd|sudoers)(?:-|\.d\/|$)|(?:^|\/)windows\/system32\/config\/(?:sam|security|system)$/i,
  },
  {
    id: 'path.dotenv',
    severity: 'high',
    confidence: 0.85,
    description: 'Environment file with application secrets (.env)',
    // .env, .env.local, .env.production — not the committed templates.
    pattern: /(?:^|\/)\.env(?:\.(?!example$|sample$|template$|dist$|defaults$)[\w-]+)?$/i,
  },
  {
    id: 'path.cloud_credentials',
    severity: 'critical',
    confidence: 0.9,
    description:
      'Cloud or registry credentials (AWS, GCP, Azure, kube, docker, npm, pypi, netrc, git)',
    pattern:
      /(?:^|\/)(?:\.aws\/(?:credentials|config)|\.config\/gcloud\/(?:credentials\.db|access_tokens\.db|application_default_credentials\.json|legacy_credentials\b)|\.azure\/(?:accessTokens\.json|msal_token_cache\.(?:json|bin)|azureProfile\.json)|\.kube\/config|\.docker\/config\.json|\.npmrc|\.pypirc|\.netrc|_netrc|\.git-credentials)$/i,
  },
  {
    id: 'path.keychain',
    severity: 'high',
    confidence: 0.9,
    description: 'OS keychain or keyring, GnuPG keys',
    pattern:
      /(?:^|\/)(?:library\/keychains\/|\.gnupg\/|\.local\/share\/keyrings\/|\.password-store\/)|\.keychain(?:-db)?$|(?:^|\/)\.kde4?\/share\/apps\/kwallet\//i,
  },
  {
    id: 'path.browser_profile',
    severity: 'high',
    confidence: 0.85,
    description: 'Browser profile data (saved passwords, cookies, session tokens)',
    pattern:
      /(?:^|\/)(?:\.config\/(?:google-chrome|chromium|bravesoftware|microsoft-edge)\/|\.mozilla\/firefox\/|library\/application support\/(?:google\/chrome|firefox|bravesoftware|microsoft edge)\/|appdata\/(?:local|roaming)\/(?:google\/chrome|mozilla\/firefox|bravesoftware|microsoft\/edge)\/)|(?:^|\/)(?:login data|cookies|key[34]\.db|logins\.json|cookies\.sqlite)$/i,
  },
]);

/**
 * Hosts where payloads are staged or data is dropped (paste and file-drop sites), and request-
 * capture services used to exfiltrate data. Matched on the hostname and its parent domains.
 */
export const PASTE_HOSTS: ReadonlySet<string> = new Set([
  'pastebin.com',
  'paste.ee',
  'pastie.org',
  'hastebin.com',
  'ghostbin.com',
  'dpaste.com',
  'dpaste.org',
  'controlc.com',
  'rentry.co',
  'termbin.com',
  'ix.io',
  'sprunge.us',
  '0x0.st',
  'transfer.sh',
  'file.io',
  'gofile.io',
  'anonfiles.com',
  'catbox.moe',
  'temp.sh',
  'bashupload.com',
]);

/** Request-capture and tunnelling services: a request to them is usually exfiltration. */
export const EXFIL_HOSTS: ReadonlySet<string> = new Set([
  'webhook.site',
  'requestbin.com',
  'requestbin.net',
  'pipedream.net',
  'requestcatcher.com',
  'burpcollaborator.net',
  'oastify.com',
  'interact.sh',
  'oast.fun',
  'oast.live',
  'oast.me',
  'oast.pro',
  'oast.site',
  'oast.online',
  'ngrok.io',
  'ngrok-free.app',
  'trycloudflare.com',
]);

/** Cloud instance metadata endpoints: reaching them from an agent is SSRF for credentials. */
export const METADATA_HOSTS: ReadonlySet<string> = new Set([
  '169.254.169.254',
  '[fd00:ec2::254]',
  '169.254.170.2',
  'metadata.google.internal',
  'metadata.goog',
  '100.100.100.200',
]);

/** A query value at least this long made only of base64/hex characters is an encoded blob. */
export const ENCODED_BLOB_MIN = 120;
