//! Ctrl-C, SIGTERM and a closed terminal, turned into a value the walk can
//! return wherever that is possible (after just's `signal_handler.rs`):
//!
//! - while the editor runs, the signal is deferred and reported when it
//!   exits, so the editor's text can be kept;
//! - in a raw-mode prompt, `console` reads Ctrl-C as a key and returns
//!   `Interrupted` itself; the handler only waits for that to be seen;
//! - in plain mode, a line being read is interrupted through the channel
//!   the reader thread uses;
//! - anywhere else (no prompt is waiting, so every answer is saved), the
//!   process leaves with 130 after saying so. That is the only exit here.

use std::io::BufRead;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// What the plain-mode reader hands over.
enum Event {
    Line(String),
    Eof,
    Interrupt,
}

struct State {
    installed: bool,
    /// Child processes running (the editor).
    children: usize,
    /// A signal came while a child ran.
    during_child: bool,
    /// A raw-mode prompt is reading keys.
    raw: bool,
    /// Interrupts already seen by a raw-mode prompt.
    seen: usize,
    /// A plain-mode read is waiting on the channel.
    waiting: bool,
    lines: Option<Sender<Event>>,
    /// Standard input has ended.
    eof: bool,
    /// Said when the process has to leave from the handler.
    message: &'static str,
    /// Files that are removed if the process has to leave from the
    /// handler: a summary half written beside where it was going.
    remove: Vec<std::path::PathBuf>,
}

static STATE: Mutex<State> = Mutex::new(State {
    installed: false,
    children: 0,
    during_child: false,
    raw: false,
    seen: 0,
    waiting: false,
    lines: None,
    eof: false,
    message: "Stopped.",
    remove: Vec::new(),
});

/// The plain-mode reader: a request for a line goes one way, the line
/// comes back the other. The reader reads only when asked, so that it never
/// takes keys meant for the editor.
struct Reader {
    ask: Sender<()>,
    lines: Receiver<Event>,
}

static READER: Mutex<Option<Reader>> = Mutex::new(None);

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Installs the handler once, for SIGINT, SIGTERM and SIGHUP.
pub fn install() -> anyhow::Result<()> {
    let mut s = state();
    if s.installed {
        return Ok(());
    }
    ctrlc::set_handler(handle)
        .map_err(|e| anyhow::anyhow!("cannot set up Ctrl-C handling: {e}"))?;
    s.installed = true;
    Ok(())
}

/// What to say if the process has to leave from the handler.
pub fn set_message(message: &'static str) {
    state().message = message;
}

/// Says `message` if the process has to leave from the handler while the
/// value lives; the message before it comes back when it is dropped.
pub fn message_while(message: &'static str) -> MessageWhile {
    let before = std::mem::replace(&mut state().message, message);
    MessageWhile(before)
}

/// See [`message_while`].
pub struct MessageWhile(&'static str);

impl Drop for MessageWhile {
    fn drop(&mut self) {
        state().message = self.0;
    }
}

/// Removes `path` if the process has to leave from the handler, until
/// [`keep_on_exit`] says otherwise.
pub fn remove_on_exit(path: &std::path::Path) {
    state().remove.push(path.to_path_buf());
}

/// Undoes [`remove_on_exit`] for `path`.
pub fn keep_on_exit(path: &std::path::Path) {
    state().remove.retain(|p| p != path);
}

fn handle() {
    let mut s = state();
    if s.children > 0 {
        s.during_child = true;
        return;
    }
    if s.seen > 0 {
        s.seen -= 1;
        return;
    }
    if s.waiting
        && let Some(tx) = &s.lines
        && tx.send(Event::Interrupt).is_ok()
    {
        return;
    }
    let raw = s.raw;
    if raw {
        // console raised it for a Ctrl-C key and returns Interrupted: wait
        // for the prompt to see it. SIGTERM or a hang-up finds no one.
        drop(s);
        for _ in 0..20 {
            std::thread::sleep(Duration::from_millis(50));
            let mut s = state();
            if s.seen > 0 {
                s.seen -= 1;
                return;
            }
        }
        s = state();
    }
    let message = s.message;
    for path in s.remove.drain(..) {
        let _ = std::fs::remove_file(path);
    }
    if raw {
        // Leaving in the middle of a key read would leave the terminal in
        // raw mode; console has no way to undo that from here, stty does.
        restore_terminal();
    }
    let _ = console::Term::stderr().show_cursor();
    eprintln!("\n\n{message}");
    std::process::exit(130);
}

/// Puts the terminal back to its usual mode with `stty sane`, on the
/// terminal itself; nothing happens if either is missing.
fn restore_terminal() {
    if let Ok(tty) = std::fs::File::open("/dev/tty") {
        let _ = std::process::Command::new("stty")
            .arg("sane")
            .stdin(tty)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// Marks a raw-mode read; dropping it ends the mark.
pub struct RawRead(());

impl RawRead {
    pub fn start() -> RawRead {
        state().raw = true;
        RawRead(())
    }
}

impl Drop for RawRead {
    fn drop(&mut self) {
        state().raw = false;
    }
}

/// A raw-mode prompt saw Ctrl-C (and console raised SIGINT for it).
pub fn seen_interrupt() {
    if state().installed {
        state().seen += 1;
    }
}

/// A child process (the editor) is about to run.
pub fn child_started() {
    let mut s = state();
    s.children += 1;
    s.during_child = false;
}

/// The child has exited; whether a signal came while it ran.
/// `killed_by_interrupt`: it died of SIGINT, which reached this process
/// too; if the handler has not run yet, its call is still to come and is
/// taken as seen here, so it does not leave on its own.
pub fn child_finished(killed_by_interrupt: bool) -> bool {
    let mut s = state();
    s.children = s.children.saturating_sub(1);
    let during = std::mem::take(&mut s.during_child);
    if killed_by_interrupt && !during && s.installed {
        s.seen += 1;
    }
    during || killed_by_interrupt
}

/// Reads one line from standard input for plain mode, without its line
/// ending. `Ok(None)` at the end of input; `Interrupted` on Ctrl-C.
pub fn read_line() -> std::io::Result<Option<String>> {
    let mut reader = READER.lock().unwrap_or_else(|e| e.into_inner());
    if state().eof {
        return Ok(None);
    }
    if reader.is_none() {
        let (ask, asked) = mpsc::channel::<()>();
        let (tx, lines) = mpsc::channel();
        state().lines = Some(tx.clone());
        std::thread::spawn(move || {
            let stdin = std::io::stdin();
            while asked.recv().is_ok() {
                let mut line = String::new();
                let event = match stdin.lock().read_line(&mut line) {
                    Ok(0) | Err(_) => Event::Eof,
                    Ok(_) => Event::Line(line),
                };
                let end = matches!(event, Event::Eof);
                if tx.send(event).is_err() || end {
                    break;
                }
            }
        });
        *reader = Some(Reader { ask, lines });
    }
    let Some(reader) = reader.as_ref() else {
        return Ok(None);
    };
    if reader.ask.send(()).is_err() {
        state().eof = true;
        return Ok(None);
    }
    state().waiting = true;
    let event = reader.lines.recv();
    state().waiting = false;
    match event {
        Ok(Event::Line(mut line)) => {
            while line.ends_with(['\n', '\r']) {
                line.pop();
            }
            Ok(Some(line))
        }
        Ok(Event::Interrupt) => Err(std::io::ErrorKind::Interrupted.into()),
        Ok(Event::Eof) | Err(_) => {
            state().eof = true;
            Ok(None)
        }
    }
}
