//! Every command-line type. The doc comments are the help text. Imports
//! nothing from the crate and does no I/O.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

/// The exit codes, in the short and the long help and the man page.
macro_rules! exit_codes {
    () => {
        "Exit codes:
  0    success
  1    failure: nothing, or not everything, was written
  2    usage error, or input needed (a terminal, a flag or a file)
  3    written but incomplete: some files could not be read and were skipped (named on stderr)
  130  cancelled with Ctrl-C; what was written is kept"
    };
}
const EXIT_CODES: &str = exit_codes!();

/// A journal for the moments between MBT sessions: catch one hard moment in
/// your own words, from your side and the other person's, for your next session.
///
/// Everything stays on this computer. mentalog contacts no one.
#[derive(Debug, Parser)]
#[command(
    name = "mentalog",
    version,
    propagate_version = true,
    after_help = EXIT_CODES,
    after_long_help = concat!(
        "Examples:
  mentalog setup                              # with your therapist: plan, contacts, pack
  mentalog new                                # write about a hard moment
  mentalog share 7c1e                         # include it in the summary
  mentalog export --format html --out summary.html

",
        exit_codes!()
    )
)]
pub struct Cli {
    /// The data folder holding your entries [env: MENTALOG_DIR; default: your platform's data
    /// folder]; with 'export --batch' it may be given more than once
    #[arg(long, global = true, help_heading = "Global options", value_name = "DIR", action = clap::ArgAction::Append)]
    pub dir: Vec<PathBuf>,

    /// The config file: crisis contacts, safety threshold, names [env: MENTALOG_CONFIG]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,

    /// Plain prompts: one printed line per question, lists answered by number, nothing redrawn (for screen readers) [env: MENTALOG_PLAIN=1]
    #[arg(long, global = true, help_heading = "Global options")]
    pub plain: bool,

    /// Never ask anything, even in a terminal: a command that needs an answer fails
    /// with exit 2 and names the flag that gives it [env: MENTALOG_NO_INPUT=1]
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_input: bool,

    /// Colour in what is written to a terminal: auto (unless NO_COLOR is set), always or never
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_enum,
        value_name = "WHEN",
        default_value = "auto"
    )]
    pub color: ColorChoice,

    /// Leave out notes on stderr ("Wrote ...", "Recorded ..."); errors and warnings still show
    #[arg(long, short = 'q', global = true, help_heading = "Global options")]
    pub quiet: bool,

    /// An encrypted journal's passphrase, read from the first line of this file
    /// instead of asked (for scripts; never give it as an argument) [env: MENTALOG_PASSPHRASE_FILE]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FILE"
    )]
    pub passphrase_file: Option<PathBuf>,

    /// Open an encrypted journal with its recovery copy of the key instead of
    /// the passphrase [env: MENTALOG_IDENTITY_FILE]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FILE"
    )]
    pub identity_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a new entry, guided one question at a time
    #[command(after_long_help = "Examples:
  mentalog new                                # the guided walk, in a terminal
  mentalog new --answers answers.json         # a scripted entry from a file of answers
  mentalog new --answers - < answers.json     # the same answers on standard input
  mentalog new --pack mbt-quick               # one entry with another pack")]
    New(NewArgs),
    /// List your entries, newest first
    #[command(after_long_help = "Examples:
  mentalog list                               # every entry: date, id, what happened, distress
  mentalog list -n 5                          # the newest five
  mentalog list --since 2026-11-01 --until 2026-11-30
  mentalog list --since 2w --json             # the last two weeks, for scripts
  mentalog list --since last-session          # since your last session")]
    List(ListArgs),
    /// Show one entry, question by question
    #[command(after_long_help = "Examples:
  mentalog show 7c1e                          # a unique start of the id is enough
  mentalog show 7c1e --json                   # the stored document")]
    Show(ShowArgs),
    /// Show your crisis plan, or edit it
    #[command(after_long_help = "Examples:
  mentalog plan                               # your crisis plan and contacts
  mentalog plan --edit                        # edit it in $VISUAL or $EDITOR
  VISUAL=nano mentalog plan --edit            # with a given editor")]
    Plan(PlanArgs),
    /// Write the summary of your shared entries for your next session
    #[command(after_long_help = "Examples:
  mentalog export                             # since the last session, Markdown on stdout
  mentalog export --format html --out summary.html
  mentalog export --since 2w --pseudonymize --preview
  mentalog export --format text --ascii --since last-session")]
    Export(ExportArgs),
    /// Record sessions with your therapist
    #[command(
        subcommand,
        after_long_help = "Examples:
  mentalog session add                        # a session took place today
  mentalog session add 2026-11-19             # or on that day
  mentalog session next 2026-11-26            # the next appointment
  mentalog session list --json"
    )]
    Session(SessionCommand),
    /// Include an entry in what you export for your therapist
    #[command(after_long_help = "Examples:
  mentalog share 7c1e                         # a unique start of the id is enough
  mentalog export --preview                   # see what your therapist will read")]
    Share(IdArg),
    /// Keep an entry private again: exports from now on leave it out
    #[command(after_long_help = "Examples:
  mentalog unshare 7c1e                       # a unique start of the id is enough
  mentalog export --preview                   # check that it is gone from the summary")]
    Unshare(IdArg),
    /// Add a later reflection to an entry: what you see now, what came up in
    /// a session, how strong the feelings are now. The entry itself never changes.
    #[command(after_long_help = "Examples:
  mentalog reflect 7c1e                       # a few questions, each can be skipped
  mentalog reflect 7c1e --answers r.json      # the answers from a file (reflect.now, reflect.session, reflect.distress)")]
    Reflect(ReflectArgs),
    /// Delete entries for good: the entry, its reflections, its drafts and
    /// anything left of it
    #[command(after_long_help = "Examples:
  mentalog delete 7c1e                        # shows what goes, then asks
  mentalog delete 7c1e 9a2b --yes             # without asking, for scripts")]
    Delete(DeleteArgs),
    /// Write one archive of your whole journal, or check one
    #[command(after_long_help = "Examples:
  mentalog backup ~/journal-2026-11.tar.gz    # entries, reflections, drafts, plan, sessions, packs
  mentalog backup --with-config FILE          # the config file too
  mentalog backup --check FILE                # is the archive whole? (reads it, changes nothing)")]
    Backup(BackupArgs),
    /// Bring a backup back: into an empty data folder, or with --merge add
    /// its entries and reflections to this journal
    #[command(after_long_help = "Examples:
  mentalog --dir ~/new-journal restore FILE   # into an empty folder
  mentalog restore --merge FILE               # add what this journal lacks; nothing is overwritten")]
    Restore(RestoreArgs),
    /// Delete your whole journal, plan, config, packs and drafts, when you
    /// leave therapy or stop using mentalog
    #[command(after_long_help = "Examples:
  mentalog forget --everything                # asks you to type a word first
  mentalog forget --everything --confirm forget   # for scripts")]
    Forget(ForgetArgs),
    /// Lock your journal with a passphrase: writing never asks for it, reading does
    #[command(after_long_help = "Examples:
  mentalog encrypt                            # asks for a passphrase twice, and a few choices
  mentalog encrypt --new-passphrase-file pass.txt --recovery-file ~/usb/mentalog-key.txt
  mentalog encrypt                            # again after an interruption: finishes the job

If you lose the passphrase and the recovery copy, no one can open your entries.")]
    Encrypt(EncryptArgs),
    /// Turn an encrypted journal back into plain files (asks for the passphrase)
    #[command(after_long_help = "Examples:
  mentalog decrypt                            # asks for the passphrase
  mentalog decrypt --passphrase-file pass.txt # for scripts")]
    Decrypt,
    /// Change the passphrase of an encrypted journal (only the key is rewritten)
    #[command(after_long_help = "Examples:
  mentalog passphrase                         # asks for the old one, then the new one twice
  mentalog passphrase --passphrase-file old.txt --new-passphrase-file new.txt")]
    Passphrase(PassphraseArgs),
    /// Bring entries in from another journal
    #[command(
        subcommand,
        after_long_help = "Examples:
  mentalog import jrnl jrnl.json                # after: jrnl --export json > jrnl.json
  mentalog import jrnl ~/.local/share/jrnl/journal.txt   # jrnl's plain-text journal"
    )]
    Import(ImportCommand),
    /// Read the whole journal and report every file that cannot be read as
    /// an entry, or that does not belong where entries are kept
    #[command(after_long_help = "Examples:
  mentalog check                              # exit 0 when every file reads, 1 when not
  mentalog check --json                       # one JSON line per problem, for scripts")]
    Check(CheckArgs),
    /// Print the JSON Schema of a document mentalog writes
    #[command(after_long_help = "Examples:
  mentalog schema summary                     # what 'export --format json' writes
  mentalog schema entry > entry.schema.json   # an entry file's schema, saved")]
    Schema(SchemaArgs),
    /// Print where your entries and your config file are
    #[command(after_long_help = "Examples:
  mentalog paths                              # the data folder and the config file
  MENTALOG_DIR=\"$(mktemp -d)\" mentalog paths  # a sandbox to try mentalog in")]
    Paths,
    /// Prompt packs: the questions a walk asks, set with your therapist
    #[command(
        subcommand,
        after_long_help = "Examples:
  mentalog pack list                          # the packs, and the one new entries use
  mentalog pack show mbt-core                 # its walk, step by step
  mentalog pack check my-pack.toml            # every problem at once
  mentalog pack add my-pack.toml              # install it (then: mentalog pack use ID)"
    )]
    Pack(PackCommand),
    /// Set up mentalog together with your therapist: crisis plan, contacts,
    /// threshold, pack and focus, rhythm, reminders. Every part can be skipped.
    #[command(after_long_help = "Examples:
  mentalog setup                              # every part, one after the other
  mentalog setup contacts                     # one part again
  mentalog setup --from setup.toml            # the answers from a file, without asking")]
    Setup(SetupArgs),
    /// Print one quiet line when an entry is due by the rhythm you agreed
    /// (off until you turn it on; made for a shell start-up file)
    #[command(after_long_help = "Examples:
  mentalog setup due                          # turn the reminder on, with your own words
  mentalog due                                # one line when an entry is due, else nothing
  echo 'mentalog due' >> ~/.bashrc            # at every new terminal")]
    Due(DueArgs),
    /// Print the completion script for your shell on standard output
    #[command(after_long_help = "Examples:
  mentalog completions bash > ~/.local/share/bash-completion/completions/mentalog
  mentalog completions zsh > ~/.zfunc/_mentalog    # with fpath+=(~/.zfunc) before compinit
  mentalog completions fish > ~/.config/fish/completions/mentalog.fish
  mentalog completions powershell >> $PROFILE")]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on standard output
    #[command(after_long_help = "Examples:
  mentalog man | man -l -                     # read it now
  mentalog man > ~/.local/share/man/man1/mentalog.1
  mentalog man export | man -l -              # one command's page")]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ReflectArgs {
    /// The entry's id; the first few characters are enough when they are unique
    pub id: String,

    /// The answers from a JSON file instead of asking ('-' reads standard input): the keys
    /// reflect.now, reflect.session and reflect.distress (0-10), each optional
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The entries' ids; the first few characters of each are enough when they are unique
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,

    /// Delete without asking (needed without a terminal)
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The archive to write (a .tar.gz, 0600, never over an existing file), or with --check to read
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Check an archive: every member named, sized and checksummed as its manifest says
    #[arg(long)]
    pub check: bool,

    /// Put the config file in the archive too
    #[arg(long, conflicts_with = "check")]
    pub with_config: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The archive 'mentalog backup' wrote
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Add the archive's entries and reflections to this journal (never the plan, sessions
    /// or config), leaving every file already here as it is
    #[arg(long)]
    pub merge: bool,
}

#[derive(Debug, Args)]
pub struct ForgetArgs {
    /// Everything: entries, reflections, drafts, plan, sessions, config and installed packs
    #[arg(long, required = true)]
    pub everything: bool,

    /// The confirmation word, for scripts (otherwise you type it when asked)
    #[arg(long, value_name = "WORD")]
    pub confirm: Option<String>,
}

#[derive(Debug, Default, Args)]
pub struct EncryptArgs {
    /// The new passphrase, read from the first line of this file instead of asked twice
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,

    /// Lock the crisis plan too, so 'mentalog plan' needs the passphrase
    /// (by default it stays readable, to be there at the worst moment)
    #[arg(long)]
    pub lock_plan: bool,

    /// Also write a recovery copy of the key to this new file: anyone with it
    /// can read your journal, so keep it somewhere safe and away from this computer
    #[arg(long, value_name = "FILE")]
    pub recovery_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PassphraseArgs {
    /// The new passphrase, read from the first line of this file instead of asked twice
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Entries from jrnl: its JSON export (jrnl --export json) or its plain-text journal
    #[command(after_long_help = "Examples:
  mentalog import jrnl jrnl.json                # after: jrnl --export json > jrnl.json
  mentalog import jrnl journal.txt              # jrnl's plain-text journal; twice adds nothing")]
    Jrnl {
        /// The file to read
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// Which entries a list or an export is about. Each filter narrows; all
/// together, an entry must pass every one.
#[derive(Debug, Args, Default, Clone)]
pub struct FilterArgs {
    /// Only entries about this person (who the other person was), any case or accent
    #[arg(long, value_name = "NAME", help_heading = "Filters")]
    pub person: Option<String>,

    /// Only entries where you named this feeling, any case or accent
    #[arg(long, value_name = "FEELING", help_heading = "Filters")]
    pub feeling: Option<String>,

    /// Only entries whose words hold this text anywhere, any case or accent
    #[arg(long, value_name = "TEXT", help_heading = "Filters")]
    pub contains: Option<String>,

    /// Only entries you shared
    #[arg(long, conflicts_with = "private", help_heading = "Filters")]
    pub shared: bool,

    /// Only private entries
    #[arg(long, help_heading = "Filters")]
    pub private: bool,

    /// Only entries written with this pack (its id)
    #[arg(long, value_name = "ID", help_heading = "Filters")]
    pub pack: Option<String>,

    /// Only entries through the safety steps
    #[arg(long, help_heading = "Filters")]
    pub lane: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// One JSON object per problem on standard output (path, problem, kind), for scripts
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command's page instead of the whole program's, such as 'export' or 'session add'
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum PackCommand {
    /// List the built-in and installed packs, and which one new entries use
    #[command(after_long_help = "Examples:
  mentalog pack list                          # the packs; the one in use is marked
  mentalog pack list --json                   # for scripts")]
    List {
        /// Print JSON for scripts
        #[arg(long)]
        json: bool,
    },
    /// Show a pack's walk as a person will see it, step by step
    #[command(after_long_help = "Examples:
  mentalog pack show mbt-core                 # a built-in pack
  mentalog pack show my-pack.toml             # a pack file, before installing it")]
    Show {
        /// A pack's id, or the path of a pack file
        #[arg(value_name = "ID|FILE")]
        pack: String,
    },
    /// Check pack files and report every problem, with its line and column
    /// and what to write instead (exit 0 when clean, 1 when not)
    #[command(after_long_help = "Examples:
  mentalog pack check my-pack.toml            # every problem at once, at line:column
  mentalog pack check packs/*.toml            # several files")]
    Check {
        /// The pack files to check (TOML)
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Install a pack file, after checking it
    #[command(after_long_help = "Examples:
  mentalog pack add my-pack.toml              # install the pack your therapist gave you
  mentalog pack add my-pack.toml && mentalog pack use my-pack")]
    Add {
        /// The pack file to install (TOML); it is copied, so the file can be moved later
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Remove an installed pack; entries written with it stay readable
    #[command(after_long_help = "Examples:
  mentalog pack remove my-pack                # asks first, in a terminal
  mentalog pack remove my-pack --yes          # without asking")]
    Remove {
        /// The installed pack's id (see 'mentalog pack list')
        #[arg(value_name = "ID")]
        id: String,
        /// Remove without asking first
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Use this pack for new entries
    #[command(after_long_help = "Examples:
  mentalog pack use mbt-quick                 # new entries use the short walk
  mentalog pack use mbt-core                  # back to the default")]
    Use {
        /// A built-in or installed pack's id (see 'mentalog pack list')
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Write a fully commented pack to start from
    #[command(after_long_help = "Examples:
  mentalog pack new my-pack.toml              # write the starting point
  mentalog pack check my-pack.toml            # after editing it")]
    New {
        /// Where to write the new pack file (TOML); an existing file is not replaced
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SetupPart {
    /// The crisis plan, in your editor
    Plan,
    /// Crisis contacts, one by one
    Contacts,
    /// The safety threshold
    Threshold,
    /// The pack new entries use, and its focus
    Pack,
    /// The focus agreed in a session
    Focus,
    /// How often you agreed to write
    Rhythm,
    /// Whether 'mentalog due' reminds you
    Due,
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// Only this part of the setup
    #[arg(value_enum)]
    pub part: Option<SetupPart>,

    /// Take the answers from a TOML file instead of asking (its format: 'mentalog setup --help')
    #[arg(long, value_name = "FILE", conflicts_with = "part", long_help = SETUP_FROM_HELP)]
    pub from: Option<PathBuf>,
}

/// The long help of `setup --from`: a string, not a doc comment, so its
/// example keeps its layout and is not taken for a doctest.
const SETUP_FROM_HELP: &str =
    "Take the answers from a TOML file instead of asking (its format: 'mentalog setup --help')

Every key is optional. The whole file is checked before anything is
written: an unknown key or a wrong value is named, and nothing is
changed. Running the same file again changes nothing.

    plan_file = \"plan.md\"     # copied in as your crisis plan
    replace_plan = false      # true replaces a different plan
    safety_threshold = 8      # 1 to 10
    pack = \"mbt-core\"         # a built-in or installed pack
    focus = \"moments when I feel left out\"
    rhythm = \"2 per week\"

    [due]
    enabled = true
    words = \"Time for a few quiet minutes.\"

    [[contacts]]              # one table for each contact
    name = \"Crisis line\"
    phone = \"...\"             # check it: mentalog has no numbers
    note = \"day and night\"    # optional

plan_file is read from beside this file. An empty focus, rhythm or
words removes it. A contact with the same name and phone as one
already set up is not added again.";

#[derive(Debug, Args)]
pub struct DueArgs {}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Write the entry from a JSON file of answers instead of asking ('-' reads standard input)
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// The prompt pack to use: a built-in or installed pack's id, or the path of a pack file
    /// [default: the pack chosen with 'mentalog pack use', else mbt-core]
    #[arg(long, value_name = "ID|FILE")]
    pub pack: Option<String>,

    /// With --answers: the time the entry was written, RFC 3339 such as
    /// 2026-11-03T21:40:12+01:00 [default: now]
    #[arg(long, value_name = "TIME", requires = "answers")]
    pub at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How a batch export splits each journal's entries into summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchBy {
    /// From one recorded session to the next
    Session,
    /// Monday to Sunday
    Week,
    /// A calendar month
    Month,
    /// The whole journal in one summary
    All,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only entries written on or after this day: YYYY-MM-DD, a span such as 7d or 2w
    /// (that long ago), today, yesterday, last-session, or all [default: all]
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,

    /// Only entries written on or before this day: YYYY-MM-DD, a span such as 7d or 2w
    /// (that long ago), today, yesterday, or last-session [default: no end]
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,

    /// Show at most this many entries
    #[arg(short = 'n', long = "limit", value_name = "N")]
    pub limit: Option<usize>,

    /// Print JSON for scripts
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The entry's id; the first few characters are enough when they are unique
    pub id: String,

    /// Print the stored JSON document
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Open the plan in your editor ($VISUAL or $EDITOR)
    #[arg(long)]
    pub edit: bool,
}

#[derive(Debug, Args)]
pub struct IdArg {
    /// The entry's id; the first few characters are enough when they are unique
    pub id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Markdown
    Md,
    /// One self-contained HTML file, ready to print
    Html,
    /// A versioned JSON document (see 'mentalog schema summary')
    Json,
    /// Plain text
    Text,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format to write; with --batch it may be given more than once
    #[arg(long, value_enum, default_value = "md", action = clap::ArgAction::Append)]
    pub format: Vec<ExportFormat>,

    /// Write to this file (0600, atomically) instead of standard output; never into the data
    /// folder, and never over a link, a folder or a device
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Start of the period: YYYY-MM-DD, a span such as 7d or 2w, today, yesterday,
    /// last-session, or all [default: the last session, or the last 14 days when none is recorded]
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,

    /// End of the period, included: YYYY-MM-DD, a span such as 7d or 2w (that long ago),
    /// today, yesterday, or last-session [default: today]
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,

    /// Print what would be written, and write nothing
    #[arg(long, conflicts_with = "yes")]
    pub preview: bool,

    /// Write without asking first
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Replace the names you used for people with initials, or the roles in your config
    #[arg(long)]
    pub pseudonymize: bool,

    /// Render with this template instead of the built-in one (Markdown, HTML or text)
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,

    /// The brief form: safety, the focus, the newest topics, at a glance and the
    /// episodes, without the shared entries in full (about two printed pages)
    #[arg(long)]
    pub brief: bool,

    /// With --format text: only ASCII characters (-> for arrows, hyphens for dashes),
    /// for pasting into a clinical record that garbles anything else
    #[arg(long)]
    pub ascii: bool,

    /// Export many journals unattended: one file per journal, period and format into
    /// --out-dir, and a JSON Lines manifest on stdout (see 'mentalog schema manifest')
    #[arg(long, requires = "out_dir", conflicts_with_all = ["out", "preview"])]
    pub batch: bool,

    /// With --batch: the journals' data folders, one per line
    #[arg(long, value_name = "FILE", requires = "batch")]
    pub dirs_from: Option<PathBuf>,

    /// With --batch: how to split each journal into summaries
    #[arg(long, value_enum, default_value = "all", requires = "batch")]
    pub by: BatchBy,

    /// With --batch: the folder the summaries are written into
    #[arg(long, value_name = "DIR", requires = "batch")]
    pub out_dir: Option<PathBuf>,

    /// Filters narrow which shared entries the summary is about; they never narrow its
    /// safety section, and the summary says first that it is filtered
    #[command(flatten)]
    pub filter: FilterArgs,

    /// With --out: encrypt the summary to this age recipient (age1..., your therapist's
    /// public key), so that only their key opens it (age -d); may be repeated
    #[arg(long = "to", value_name = "RECIPIENT", action = clap::ArgAction::Append, requires = "out")]
    pub to: Vec<String>,

    /// With --out: encrypt to every age recipient in this file, one per line (# starts a
    /// comment), as 'age -R' reads it
    #[arg(long, value_name = "FILE", requires = "out")]
    pub to_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Record that a session took place (default: today)
    #[command(after_long_help = "Examples:
  mentalog session add                        # a session took place today
  mentalog session add 2026-11-19             # or on that day")]
    Add {
        /// The day of the session: YYYY-MM-DD, today, yesterday, or a span back such as 3d
        /// [default: today]
        #[arg(value_name = "DAY")]
        date: Option<String>,
    },
    /// Record the day of your next session
    #[command(after_long_help = "Examples:
  mentalog session next 2026-11-26            # named at the top of the summary")]
    Next {
        /// The day of the next session: YYYY-MM-DD, or today
        #[arg(value_name = "DAY")]
        date: String,
    },
    /// List the sessions recorded
    #[command(after_long_help = "Examples:
  mentalog session list                       # the days of your sessions, and the next one
  mentalog session list --json                # for scripts")]
    List {
        /// Print JSON for scripts
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// The summary written by 'mentalog export --format json'
    Summary,
    /// An entry file
    Entry,
    /// One line of the manifest 'mentalog export --batch' prints (JSON Lines)
    Manifest,
    /// The answers file of 'mentalog new --answers'
    Answers,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which document's schema to print
    #[arg(value_enum)]
    pub which: SchemaKind,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
