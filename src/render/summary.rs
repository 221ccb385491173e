//! The summary in each format: Markdown, HTML and text from templates
//! (embedded, or a clinic's own), JSON straight from the model. Whatever a
//! clinic's template writes, the summary holds the built-in safety section
//! and says first when it is partial or brief. docs/templates.md documents
//! what a template sees; tests/it/templates.rs holds it to this file.

use std::fmt::Write as _;
use std::io;
use std::sync::Arc;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use chrono::{DateTime, NaiveDate};
use minijinja::value::{Enumerator, Object, ObjectRepr, Serde, Value, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, Output, State};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::summary::{Appendix, Period, Summary};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Json,
    Text,
}

impl Format {
    /// The name an embedded template is known by; its extension picks the escaping.
    fn template_name(self) -> &'static str {
        match self {
            Format::Markdown => "summary.md",
            Format::Html => "summary.html",
            Format::Text => "summary.txt",
            Format::Json => "summary.json",
        }
    }

    fn builtin(self) -> &'static str {
        match self {
            Format::Markdown => include_str!("../../templates/summary.md"),
            Format::Html => include_str!("../../templates/summary.html"),
            Format::Text => include_str!("../../templates/summary.txt"),
            Format::Json => "",
        }
    }
}

/// A template that does not parse or fails while rendering, with where.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TemplateError(pub String);

/// Said in every summary written while files were skipped.
pub const INCOMPLETE: &str =
    "This summary may be incomplete: some files in the journal could not be read.";

/// Said first in every filtered summary, so that no one takes it for the
/// whole; `words` are the filters ([`crate::summary::Summary::filter`]).
pub fn filtered(words: &str) -> String {
    format!(
        "This summary is filtered: it covers only the shared entries {words}. The safety section still has every shared entry."
    )
}

/// Said in every brief summary, so that no one takes it for the whole.
pub const BRIEF: &str = "This is the brief summary: the full summary also has every shared entry word for word, and any measures.";

/// Ends the macros of each built-in template that the safety section is
/// made of: what comes before it is all [`safety_block`] needs.
const SAFETY_ENDS: &str = "{#- The safety section ends here. -#}";

/// A summary as text, and what the person exporting it should be told
/// (on stderr, by the command).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub document: String,
    pub notes: Vec<String>,
}

/// Renders the summary. `template` is a clinic's own template source for
/// the Markdown, HTML or text format, with its name for messages. `ascii`
/// (text only) maps every character outside ASCII to ASCII, for a clinical
/// record that garbles anything else (see [`to_ascii`]).
///
/// Whatever a clinic's template leaves out, the summary still says first
/// that it may be incomplete or is the brief form, and still holds the
/// built-in safety section ([`safety_block`]; `{{ safety() }}` in a
/// template): put first, with a note naming the template.
pub fn render(
    summary: &Summary,
    format: Format,
    template: Option<(&str, &str)>,
    ascii: bool,
) -> Result<Rendered, TemplateError> {
    let Some((shown, source)) = template else {
        let mut bytes = Vec::new();
        render_to(summary, format, None, ascii, &mut bytes)
            .map_err(|e| TemplateError(format!("{e:#}")))?;
        let document = String::from_utf8(bytes)
            .map_err(|_| TemplateError("the summary is not UTF-8 text".into()))?;
        return Ok(Rendered {
            document,
            notes: Vec::new(),
        });
    };
    let chart = (format == Format::Html).then(|| Value::from_safe_string(chart(summary)));
    let context = minijinja::context! { s => Value::from(Serde(summary)), chart => chart };
    let mut notes = Vec::new();
    let document = {
        let safety = safety_block(format, context.clone())?;
        let out = render_theirs(summary, format, shown, source, context, &safety)?;
        // A reader must never take a partial or brief summary for a
        // whole one, nor miss the safety section.
        let mut first = Vec::new();
        // What a reader can see: text inside comments does not count.
        let seen = match format {
            Format::Html | Format::Markdown => blank(&out, &[("<!--", "-->")]),
            _ => out.clone(),
        };
        let filtered = summary.filter.as_deref().map(filtered);
        for (applies, notice) in [
            (summary.incomplete, INCOMPLETE),
            (summary.brief, BRIEF),
            (filtered.is_some(), filtered.as_deref().unwrap_or_default()),
        ] {
            // In HTML the notice is seen, and put first, escaped.
            let written = match format {
                Format::Html => minijinja::HtmlEscape(notice).to_string(),
                _ => notice.to_string(),
            };
            if applies && !seen.contains(&written) {
                first.push(match format {
                    Format::Html => format!("<p class=\"notice\">{written}</p>\n"),
                    _ => format!("{written}\n"),
                });
            }
        }
        if !seen.contains(&safety) {
            notes.push(format!(
                "the template {shown} leaves out the safety section, so mentalog put its own first; write {{{{ safety() }}}} in the template where it should go"
            ));
            first.push(safety);
        }
        put_first(format, out, &first)
    };
    let document = if ascii && format == Format::Text {
        to_ascii(&document)
    } else {
        document
    };
    Ok(Rendered { document, notes })
}

/// The whole document in a built-in format, with the shared entries of
/// `appendix` (see [`render_to`]).
pub fn render_streamed(
    summary: &Summary,
    format: Format,
    appendix: &Arc<dyn Appendix>,
    ascii: bool,
) -> anyhow::Result<Rendered> {
    let mut bytes = Vec::new();
    render_to(summary, format, Some(appendix), ascii, &mut bytes)?;
    Ok(Rendered {
        document: String::from_utf8(bytes)?,
        notes: Vec::new(),
    })
}

/// Writes the summary in a built-in format to `out` as it is made. With
/// `appendix` (a summary made with [`crate::summary::Options::slim`]), the
/// shared entries are made one at a time as they are written, so that
/// memory does not grow with the journal; without it, they are
/// `summary.entries`. The bytes are the same either way. `ascii` (text
/// only) maps every character outside ASCII into it ([`to_ascii`]).
pub fn render_to(
    summary: &Summary,
    format: Format,
    appendix: Option<&Arc<dyn Appendix>>,
    ascii: bool,
    out: &mut dyn io::Write,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    const FAILED: &str = "cannot write the summary";
    if format == Format::Json {
        return json_to(summary, appendix, out).context(FAILED);
    }
    let base = Value::from(Serde(summary));
    let lazy = appendix.map(|a| {
        Arc::new(LazyEntries {
            source: Arc::clone(a),
            failed: std::sync::Mutex::new(None),
        })
    });
    let s = match &lazy {
        Some(lazy) => Value::from_object(WithEntries {
            base,
            entries: Value::from_dyn_object(Arc::clone(lazy)),
        }),
        None => base,
    };
    let chart = (format == Format::Html).then(|| Value::from_safe_string(chart(summary)));
    let context = minijinja::context! { s => s, chart => chart };
    let env = environment(None);
    let tmpl = env
        .template_from_named_str(format.template_name(), format.builtin())
        .map_err(|e| TemplateError(format!("the built-in template cannot be used: {e}")))?;
    let mut sink = Sink {
        out,
        ascii: ascii && format == Format::Text,
        pending: Vec::new(),
        last: None,
        failed: None,
    };
    let rendered = tmpl.render_captured_to(context, &mut sink).map(|_| ());
    // An entry that could not be shown says why, before anything else.
    // A closed pipe first: the reader went away, which is no failure.
    if let Some(io) = sink
        .failed
        .take_if(|e| e.kind() == io::ErrorKind::BrokenPipe)
    {
        return Err(anyhow::Error::new(io).context(FAILED));
    }
    if let Some(why) = lazy.and_then(|l| l.failed.lock().ok().and_then(|mut f| f.take())) {
        return Err(TemplateError(why).into());
    }
    if let Err(e) = rendered {
        // The writer's own error, so that a closed pipe is seen as one.
        return Err(match (e.kind(), sink.failed.take()) {
            (ErrorKind::WriteFailure, Some(io)) => anyhow::Error::new(io).context(FAILED),
            _ => TemplateError(format!("the built-in template cannot be used: {e}")).into(),
        });
    }
    sink.finish().context(FAILED)
}

/// The JSON document, with the shared entries written one at a time where
/// the model has none yet: the same bytes as the whole model pretty-printed
/// (a JSON string never holds a raw line break, so indenting lines is safe).
fn json_to(
    summary: &Summary,
    appendix: Option<&Arc<dyn Appendix>>,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let json = serde_json::to_string_pretty(summary).map_err(io::Error::other)?;
    const SLOT: &str = "\n  \"entries\": []";
    let Some(appendix) = appendix.filter(|a| !a.is_empty()) else {
        out.write_all(json.as_bytes())?;
        return out.write_all(b"\n");
    };
    let Some(at) = json.find(SLOT) else {
        return Err(io::Error::other(
            "the summary has no place for its shared entries",
        ));
    };
    let open = at + SLOT.len() - 1;
    out.write_all(&json.as_bytes()[..open])?;
    for i in 0..appendix.len() {
        let view = appendix.view(i).map_err(io::Error::other)?;
        let one = serde_json::to_string_pretty(&view).map_err(io::Error::other)?;
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        for (n, line) in one.lines().enumerate() {
            if n > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(b"    ")?;
            out.write_all(line.as_bytes())?;
        }
    }
    out.write_all(b"\n  ]")?;
    out.write_all(&json.as_bytes()[open + 1..])?;
    out.write_all(b"\n")
}

/// `s` with its shared entries made as a template reaches them.
#[derive(Debug)]
struct WithEntries {
    base: Value,
    entries: Value,
}

impl Object for WithEntries {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        if key.as_str() == Some("entries") {
            return Some(self.entries.clone());
        }
        self.base.get_item(key).ok().filter(|v| !v.is_undefined())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        match self.base.try_iter() {
            Ok(keys) => Enumerator::Values(keys.collect()),
            Err(_) => Enumerator::Empty,
        }
    }
}

/// The shared entries, each made when a template reaches it. The first
/// that cannot be shown is kept, and the summary fails with it.
#[derive(Debug)]
struct LazyEntries {
    source: Arc<dyn Appendix>,
    failed: std::sync::Mutex<Option<String>>,
}

impl Object for LazyEntries {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let i = key.as_usize()?;
        if i >= self.source.len() {
            return None;
        }
        match self.source.view(i) {
            Ok(view) => Some(Value::from(Serde(view))),
            Err(why) => {
                if let Ok(mut failed) = self.failed.lock() {
                    failed.get_or_insert(why);
                }
                None
            }
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.source.len())
    }
}

/// Where a built-in template writes: passes bytes on, remembers the last
/// one (a summary ends with a line break), and with `ascii` maps whole
/// lines to ASCII (what [`to_ascii`] does depends on the characters around
/// each one, never across a line break).
struct Sink<'a> {
    out: &'a mut dyn io::Write,
    ascii: bool,
    pending: Vec<u8>,
    last: Option<u8>,
    /// The first write that failed (the template engine keeps only its kind).
    failed: Option<io::Error>,
}

impl io::Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pass(buf).inspect_err(|e| {
            if self.failed.is_none() {
                self.failed = Some(io::Error::new(e.kind(), e.to_string()));
            }
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Sink<'_> {
    fn pass(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(&last) = buf.last() else {
            return Ok(0);
        };
        self.last = Some(last);
        if !self.ascii {
            self.out.write_all(buf)?;
            return Ok(buf.len());
        }
        self.pending.extend_from_slice(buf);
        if let Some(end) = self.pending.iter().rposition(|&b| b == b'\n') {
            let lines: Vec<u8> = self.pending.drain(..=end).collect();
            let text = String::from_utf8(lines).map_err(io::Error::other)?;
            self.out.write_all(to_ascii(&text).as_bytes())?;
        }
        Ok(buf.len())
    }

    /// Writes what is held back and the closing line break, if missing.
    fn finish(mut self) -> io::Result<()> {
        if self.last != Some(b'\n') {
            self.pending.push(b'\n');
        }
        if !self.pending.is_empty() {
            let text =
                String::from_utf8(std::mem::take(&mut self.pending)).map_err(io::Error::other)?;
            let text = if self.ascii { to_ascii(&text) } else { text };
            self.out.write_all(text.as_bytes())?;
        }
        self.out.flush()
    }
}

/// Renders a clinic's template on a thread of its own, so that a template
/// finding a way around its budget is still stopped, by the clock: the
/// summary fails and the process ends, taking the thread with it.
fn render_theirs(
    summary: &Summary,
    format: Format,
    shown: &str,
    source: &str,
    context: Value,
    safety: &str,
) -> Result<String, TemplateError> {
    let budget = Budget::for_summary(summary);
    let (name, source, safety) = (shown.to_string(), source.to_string(), safety.to_string());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("template".into())
        .spawn(move || {
            let _ = tx.send(render_with(
                format,
                &source,
                &name,
                context,
                Some(budget),
                Some(safety),
            ));
        })
        .map_err(|e| TemplateError(format!("cannot render the template {shown}: {e}")))?;
    match rx.recv_timeout(budget.time) {
        Ok(result) => result,
        Err(RecvTimeoutError::Timeout) => Err(budget.exceeded(shown, "took longer")),
        Err(RecvTimeoutError::Disconnected) => Err(TemplateError(format!(
            "the template {shown} cannot be used: rendering it stopped without a result"
        ))),
    }
}

/// The built-in safety section of `format`, exactly as the built-in
/// template writes it: the `safety` macro of its first part (up to
/// [`SAFETY_ENDS`]). A clinic's template gets it as `safety()`, and holds
/// the safety section when its output holds this text: no heading or
/// sentence of a template's own can pass for it by accident.
fn safety_block(format: Format, context: Value) -> Result<String, TemplateError> {
    let source = format.builtin();
    let macros = source.find(SAFETY_ENDS).map_or(source, |at| &source[..at]);
    let failed = |e: Error| {
        TemplateError(format!(
            "the built-in safety section cannot be written: {e}"
        ))
    };
    let env = environment(None);
    let tmpl = env
        .template_from_named_str(format.template_name(), macros)
        .map_err(failed)?;
    let mut captured = tmpl.render_captured(context).map_err(failed)?;
    captured
        .with_state_mut(|state| state.call_macro("safety", &[]))
        .map_err(failed)
}

/// `out` with `first` before it: at the top of the body of an HTML page,
/// at the very top otherwise, a blank line after each.
fn put_first(format: Format, out: String, first: &[String]) -> String {
    if first.is_empty() {
        return out;
    }
    let mut preface = String::new();
    for part in first {
        preface.push_str(part);
        preface.push('\n');
    }
    // Where the page's content starts: after `<body ...>`, else after
    // `<html ...>` or the doctype; never inside a comment, the title, a
    // style or a script, where it would not be seen.
    let body = (format == Format::Html)
        .then(|| {
            let plain = blank(
                &out,
                &[
                    ("<!--", "-->"),
                    ("<title", "</title>"),
                    ("<style", "</style>"),
                    ("<script", "</script>"),
                ],
            )
            .to_ascii_lowercase();
            let after = |tag: &str| {
                let at = plain.find(tag)?;
                plain[at..].find('>').map(|end| at + end + 1)
            };
            after("<body")
                .or_else(|| after("<html"))
                .or_else(|| after("<!doctype"))
        })
        .flatten();
    match body {
        Some(at) => format!(
            "{}\n{preface}{}",
            &out[..at],
            out[at..].trim_start_matches('\n')
        ),
        None => format!("{preface}{out}"),
    }
}

/// `text` with every span from an `open` to its `close` (both included)
/// turned into spaces, byte for byte, so positions stay the same. An
/// unclosed span runs to the end.
fn blank(text: &str, spans: &[(&str, &str)]) -> String {
    let lower = text.to_ascii_lowercase();
    let mut bytes = text.as_bytes().to_vec();
    for (open, close) in spans {
        let mut from = 0;
        while let Some(start) = lower[from..].find(open).map(|i| from + i) {
            let end = lower[start + open.len()..]
                .find(close)
                .map_or(text.len(), |i| start + open.len() + i + close.len());
            bytes[start..end].fill(b' ');
            from = end;
        }
    }
    // Only whole spans between ASCII delimiters became spaces.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Renders `source` (known as `shown` in messages) within `budget`, if any.
fn render_with(
    format: Format,
    source: &str,
    shown: &str,
    context: Value,
    budget: Option<Budget>,
    safety: Option<String>,
) -> Result<String, TemplateError> {
    let mut env = environment(safety);
    env.set_fuel(budget.map(|b| b.fuel));
    let describe = |e: Error| {
        let line = e.line().map(|l| format!(", line {l}")).unwrap_or_default();
        let detail = e.detail().map(|d| format!(": {d}")).unwrap_or_default();
        TemplateError(format!(
            "the template {shown}{line} cannot be used: {}{detail}",
            e.kind()
        ))
    };
    let tmpl = env
        .template_from_named_str(format.template_name(), source)
        .map_err(describe)?;
    let mut out = match budget {
        None => tmpl.render(context).map_err(describe)?,
        Some(budget) => {
            let mut capped = Capped {
                bytes: Vec::new(),
                max: budget.output,
                over: false,
            };
            match tmpl.render_captured_to(context, &mut capped) {
                Ok(_) => {}
                Err(_) if capped.over => return Err(budget.exceeded(shown, "wrote more")),
                Err(e) if e.kind() == ErrorKind::OutOfFuel => {
                    return Err(budget.exceeded(shown, "did more work"));
                }
                Err(e) => return Err(describe(e)),
            }
            String::from_utf8(capped.bytes).map_err(|_| {
                TemplateError(format!("the template {shown} wrote text that is not UTF-8"))
            })?
        }
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// What a clinic's template may spend on one summary: work (minijinja's
/// fuel, which also pays for every byte a template builds) and output. Both
/// grow with the summary, so that a real template over a long journal stays
/// far inside them while a runaway one (a loop that never ends, a huge list
/// or string) stops within a second or so. The built-in templates have no
/// budget: they are ours.
#[derive(Debug, Clone, Copy)]
struct Budget {
    fuel: u64,
    output: usize,
    /// Only for what fuel does not see (comparing or printing a huge lazy
    /// list): far beyond any real render, which takes well under a second.
    time: Duration,
    entries: usize,
}

impl Budget {
    fn for_summary(summary: &Summary) -> Budget {
        let entries = summary.entries.len() + summary.safety.lane.len();
        // The summary's size as JSON: what a template can print of it.
        let data = serde_json::to_vec(summary).map_or(0, |v| v.len());
        Budget {
            fuel: BASE_FUEL + FUEL_PER_ENTRY * entries as u64 + data as u64 / BYTES_PER_FUEL,
            output: BASE_OUTPUT + OUTPUT_PER_ENTRY * entries + OUTPUT_PER_BYTE * data,
            time: BASE_TIME + TIME_PER_ENTRY * u32::try_from(entries).unwrap_or(u32::MAX),
            entries,
        }
    }

    fn exceeded(&self, name: &str, what: &str) -> TemplateError {
        TemplateError(format!(
            "the template {name} cannot be used: it {what} than its budget allows for a summary of {} {} (a loop that does not end, or a very large list or text?); the built-in templates in the templates folder show what a summary needs",
            self.entries,
            if self.entries == 1 {
                "entry"
            } else {
                "entries"
            },
        ))
    }
}

// The built-in templates spend about 300 fuel per entry and 1 per 15 bytes
// of summary data, and write about half as many bytes as the data has
// (measured over 500 entries): these leave ten times that and more. Fuel
// also bounds the memory a template can take (64 bytes a fuel): under
// 100 MB for a year and a half of daily entries.
const BASE_FUEL: u64 = 50_000;
const FUEL_PER_ENTRY: u64 = 3_000;
/// One fuel per this many bytes of summary data.
const BYTES_PER_FUEL: u64 = 4;
const BASE_TIME: Duration = Duration::from_secs(10);
const TIME_PER_ENTRY: Duration = Duration::from_millis(20);
const BASE_OUTPUT: usize = 256 * 1024;
const OUTPUT_PER_ENTRY: usize = 8 * 1024;
const OUTPUT_PER_BYTE: usize = 4;

/// Collects a template's output up to `max` bytes, then refuses more.
struct Capped {
    bytes: Vec<u8>,
    max: usize,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.max {
            self.over = true;
            return Err(std::io::Error::other("the output is over its budget"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const MARKDOWN: &str = "markdown";

/// The environment every summary template runs in. `safety`, for a
/// clinic's template, is the built-in safety section that `safety()` writes.
fn environment(safety: Option<String>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".md") {
            AutoEscape::Custom(MARKDOWN.into())
        } else {
            minijinja::default_auto_escape_callback(name)
        }
    });
    env.set_formatter(format_value);
    env.add_filter("day", day);
    env.add_filter("short", short);
    env.add_filter("date", date);
    env.add_filter("period", period);
    env.add_filter("rating", rating);
    env.add_filter("signed", signed);
    env.add_filter("one", one);
    env.add_filter("num", num);
    env.add_filter("blockquote", blockquote);
    env.add_filter("css_string", css_string);
    if let Some(block) = safety {
        let block: std::sync::Arc<str> = block.into();
        env.add_function("safety", move |state: &State| {
            // What it writes is paid for like any other output.
            state.consume_fuel(block.len() as u64 / 64)?;
            Ok::<_, Error>(Value::from_safe_string(block.to_string()))
        });
    }
    // The built-in `string` and `pprint`, paying for the items first.
    env.add_filter("string", |state: &State, value: Value| {
        charge_items(state, &value)?;
        minijinja::filters::string(state, &value)
    });
    env.add_filter("pprint", |state: &State, value: Value| {
        charge_items(state, &value)?;
        Ok::<_, Error>(minijinja::filters::pprint(&value))
    });
    env
}

/// In Markdown templates every printed value is escaped, so the patient's
/// words can never become a heading, emphasis, a table, a link or HTML.
fn format_value(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    charge_items(state, value)?;
    match state.auto_escape() {
        AutoEscape::Custom(name) if name == MARKDOWN => {
            if value.is_none() || value.is_undefined() {
                return Ok(());
            }
            let text = value.to_string();
            let text = if value.is_safe() {
                text
            } else {
                markdown_inline(&text)
            };
            out.write_str(&text).map_err(Error::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// Turning a whole list or map into text walks every item, which a clinic's
/// template pays for first (a fuel an item): `[0] * 100000000` is a lazy
/// list that costs nothing to make, and minijinja does not charge for
/// printing it.
fn charge_items(state: &State, value: &Value) -> Result<(), Error> {
    if matches!(
        value.kind(),
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable | ValueKind::Plain
    ) {
        state.consume_fuel(value.len().unwrap_or(0) as u64)?;
    }
    Ok(())
}

/// Escapes what could turn text into Markdown syntax, so it shows exactly as
/// written, and folds it onto one line; what cannot be read as syntax where
/// it stands is left alone, so that text pasted from the Markdown reads
/// clean. The text may stand anywhere in a line, after anything, so its
/// start is taken for the start of a line and its end for what comes next.
///
/// Escaped everywhere: `` ` `` (code), `<` (HTML, autolinks), `[` (links,
/// images, footnotes), `|` (tables). Escaped unless it cannot be syntax
/// where it stands: `*`, `_` and `~` (emphasis, strikethrough) unless the
/// run stands between spaces, or for `_` inside a word; `&` unless no
/// entity can follow; `\` unless no punctuation follows; `#` at the start
/// before a space (a heading) and at the end (a heading's closing `#`s).
/// Escaped at the start only, and only where they open a list, a setext
/// heading, a thematic break or a quote: `- `, `--`, `+ `, `= `, `==`,
/// `>`, and the `.` or `)` of `12. `. Leading spaces are dropped (code
/// blocks), and so are trailing ones (hard line breaks).
pub fn markdown_inline(text: &str) -> String {
    // Most lines hold nothing Markdown could read as syntax anywhere.
    const SYNTAX: [bool; 256] = {
        let mut table = [false; 256];
        let special = b"`<[|*_~&\\#\n\t\r";
        let mut i = 0;
        while i < special.len() {
            table[special[i] as usize] = true;
            i += 1;
        }
        table
    };
    if let Some(&first) = text.as_bytes().first()
        && !text.bytes().any(|b| SYNTAX[b as usize])
        && !b"-=+>".contains(&first)
        && !first.is_ascii_digit()
        && !text.starts_with(char::is_whitespace)
        && !text.ends_with(char::is_whitespace)
    {
        return text.to_owned();
    }
    markdown_escaped(text)
}

/// [`markdown_inline`] character by character.
fn markdown_escaped(text: &str) -> String {
    let chars: Vec<char> = text
        .trim()
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\t' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // `*`, `_`, `~` and `#` are read as runs, the rest one by one.
        let end = if matches!(c, '*' | '_' | '~' | '#') {
            i + chars[i..].iter().take_while(|&&d| d == c).count()
        } else {
            i + 1
        };
        let before = i.checked_sub(1).map(|b| chars[b]);
        let after = chars.get(end).copied();
        let escape = match c {
            '`' | '<' | '[' | '|' => true,
            '*' | '_' | '~' => {
                let spaced = before.is_some_and(char::is_whitespace)
                    && after.is_some_and(char::is_whitespace);
                let in_word = c == '_'
                    && before.is_some_and(char::is_alphanumeric)
                    && after.is_some_and(char::is_alphanumeric);
                !(spaced || in_word)
            }
            '&' => after.is_none_or(|a| a.is_ascii_alphanumeric() || a == '#'),
            '\\' => after.is_none_or(|a| a.is_ascii_punctuation()),
            // A heading at the start, its closing sequence at the end.
            '#' => {
                (i == 0 && after.is_none_or(char::is_whitespace))
                    || (end == chars.len() && before.is_none_or(char::is_whitespace))
            }
            // Lists, setext headings and thematic breaks.
            '-' | '=' => i == 0 && after.is_none_or(|a| a.is_whitespace() || a == c),
            '+' => i == 0 && after.is_none_or(char::is_whitespace),
            '>' => i == 0,
            // An ordered list: "12. " (not "0.1.0" or "1.5 hours").
            '.' | ')' => i == digits && digits > 0 && after.is_none_or(char::is_whitespace),
            _ => false,
        };
        for _ in i..end {
            if escape {
                out.push('\\');
            }
            out.push(c);
        }
        i = end;
    }
    out
}

/// Longer text as a Markdown block quote, keeping its lines and paragraphs.
/// `indent` spaces go before every line but the first (which the template
/// indents), to quote inside a list item. Only in Markdown is the result
/// trusted as is; in any other template (a clinic's HTML, say) it is
/// escaped like every other value.
fn blockquote(state: &State, value: Value, indent: Option<usize>) -> Result<Value, Error> {
    let text = value.to_string();
    if !matches!(state.auto_escape(), AutoEscape::Custom(name) if name == MARKDOWN) {
        return Ok(Value::from(text));
    }
    // A clinic's template pays for what this builds before it is built
    // (one fuel per 64 bytes): `blockquote(1000000000)` must not take gigabytes.
    let lines = text.lines().count() as u64 + 1;
    let size = (text.len() as u64 * 2 + 4 * lines)
        .saturating_add(lines.saturating_mul(indent.unwrap_or(0) as u64));
    state.consume_fuel(size / 64)?;
    let mut out = String::new();
    for (i, para) in paragraphs(&text).iter().enumerate() {
        if i > 0 {
            out.push_str(">\n");
        }
        let lines: Vec<String> = para.iter().map(|l| markdown_inline(l)).collect();
        // Two spaces at the end of a line keep the person's line break
        // (a hard break), and show nothing when the text is pasted.
        let _ = writeln!(out, "> {}", lines.join("  \n> "));
    }
    if out.is_empty() {
        out.push_str("> \n");
    }
    let out = out.trim_end();
    let out = match indent {
        Some(n) if n > 0 => out.replace('\n', &format!("\n{}", " ".repeat(n))),
        _ => out.to_string(),
    };
    Ok(Value::from_safe_string(out))
}

/// Non-blank lines grouped by the blank lines between them.
fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut paras: Vec<Vec<&str>> = Vec::new();
    let mut current = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paras.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paras.push(current);
    }
    paras
}

/// Text as a CSS string, quotes included, for `content:` in a style sheet
/// (the label in the header of every printed page): every ASCII character
/// but letters, digits and spaces is written as a CSS escape, so that
/// nothing can end the string or the `<style>` element it is in, and
/// controls and format characters are dropped. Trusted as is in HTML.
fn css_string(value: &str) -> Value {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c.is_control() || c.general_category() == GeneralCategory::Format {
            continue;
        }
        if c.is_ascii_alphanumeric() || c == ' ' || !c.is_ascii() {
            out.push(c);
        } else {
            // The space ends the escape and is not shown.
            let _ = write!(out, "\\{:x} ", u32::from(c));
        }
    }
    out.push('"');
    Value::from_safe_string(out)
}

/// `text` with every character outside ASCII mapped into it, for a
/// clinical record that garbles anything else: arrows, dashes, quotes,
/// ellipses, multiplication signs and unusual spaces by [`ascii_for`];
/// letters with accents without them (é → e, through NFKD, which also
/// spells out ligatures and the like: ﬁ → fi, ² → 2); a few letters
/// that do not decompose spelled out (ß → ss, æ → ae, ø → o, ł → l);
/// joiners, variation selectors and combining marks dropped; anything
/// else (other scripts, emoji) written as `?`, one for each character.
pub fn to_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    // The run of superscripts or subscripts being written: one ^ or _ for it.
    let mut run = None;
    while let Some(c) = chars.next() {
        // Numbers must read the same in a record: 5½ is "5 1/2", not "51/2";
        // m² is "m^2", 10⁻³ "10^-3"; 5°C is "5 degrees C".
        let script = superscript(c)
            .map(|n| ('^', n))
            .or_else(|| subscript(c).map(|n| ('_', n)));
        if let Some((mark, n)) = script {
            if run != Some(mark) {
                out.push(mark);
            }
            out.push(n);
            run = Some(mark);
            continue;
        }
        run = None;
        let parts: Vec<char> = std::iter::once(c).nfkd().collect();
        if parts.contains(&'\u{2044}') {
            if out.ends_with(|p: char| p.is_ascii_digit()) {
                out.push(' ');
            }
            out.extend(
                parts
                    .iter()
                    .map(|d| if *d == '\u{2044}' { '/' } else { *d }),
            );
            continue;
        }
        if c == '°' {
            out.push_str(" degrees");
            if chars.peek().is_some_and(|n| n.is_alphanumeric()) {
                out.push(' ');
            }
            continue;
        }
        if c.is_ascii() {
            out.push(c);
        } else if let Some(ascii) = ascii_for(c) {
            out.push_str(ascii);
        } else if is_combining_mark(c)
            || matches!(
                c.general_category(),
                GeneralCategory::Format
                    | GeneralCategory::NonspacingMark
                    | GeneralCategory::EnclosingMark
            )
            // Skin tones, which follow an emoji.
            || ('\u{1f3fb}'..='\u{1f3ff}').contains(&c)
        {
        } else if c.is_whitespace() {
            out.push(' ');
        } else {
            let parts: Vec<char> = std::iter::once(c)
                .nfkd()
                .filter(|d| !is_combining_mark(*d))
                .collect();
            if parts.is_empty() || parts == [c] {
                out.push('?');
                continue;
            }
            for d in parts {
                match ascii_for(d) {
                    _ if d.is_ascii() => out.push(d),
                    Some(ascii) => out.push_str(ascii),
                    None => out.push('?'),
                }
            }
        }
    }
    out
}

/// The digit or sign a superscript character stands for.
fn superscript(c: char) -> Option<char> {
    Some(match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴'..='⁹' => char::from(b'4' + (c as u32 - '⁴' as u32) as u8),
        '⁺' => '+',
        '⁻' => '-',
        '⁼' => '=',
        'ⁿ' => 'n',
        _ => return None,
    })
}

/// The digit or sign a subscript character stands for.
fn subscript(c: char) -> Option<char> {
    Some(match c {
        '₀'..='₉' => char::from(b'0' + (c as u32 - '₀' as u32) as u8),
        '₊' => '+',
        '₋' => '-',
        '₌' => '=',
        _ => return None,
    })
}

/// The ASCII for characters that a summary writes itself (→ – − “ ” …
/// × ·) and for those NFKD does not take apart.
fn ascii_for(c: char) -> Option<&'static str> {
    Some(match c {
        '→' | '⟶' | '➔' => "->",
        '←' | '⟵' => "<-",
        '↔' => "<->",
        '⇒' => "=>",
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '·' | '•' | '∙' | '⁃' => "-",
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => "\"",
        '‘' | '’' | '‚' | '‛' | '′' | '‹' | '›' => "'",
        '…' => "...",
        '×' => "x",
        '÷' | '⁄' | '∕' => "/",
        '≤' => "<=",
        '≥' => ">=",
        '≠' => "!=",
        '±' => "+/-",
        '€' => "EUR",
        '£' => "GBP",
        '©' => "(c)",
        '®' => "(R)",
        'ß' => "ss",
        'ẞ' => "SS",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        'ø' => "o",
        'Ø' => "O",
        'ł' => "l",
        'Ł' => "L",
        'đ' | 'ð' => "d",
        'Đ' | 'Ð' => "D",
        'þ' => "th",
        'Þ' => "Th",
        'ı' => "i",
        '\u{a0}' | '\u{202f}' | '\u{2007}' => " ",
        _ => return None,
    })
}

/// Text made by these filters from dates and numbers only: nothing the
/// patient wrote, so it needs no escaping in any format.
fn ours(text: String) -> Value {
    Value::from_safe_string(text)
}

fn parse_time(value: &str) -> Result<DateTime<chrono::FixedOffset>, Error> {
    DateTime::parse_from_rfc3339(value).map_err(|e| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("not a time: {value:?} ({e})"),
        )
    })
}

fn parse_day(value: &str) -> Result<NaiveDate, Error> {
    value.parse().map_err(|e| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("not a day: {value:?} ({e})"),
        )
    })
}

/// "Tue 3 Nov 2026, 21:40", in the offset the entry was written in.
fn day(value: &str) -> Result<Value, Error> {
    Ok(ours(
        parse_time(value)?.format("%a %-d %b %Y, %H:%M").to_string(),
    ))
}

/// "3 Nov"
fn short(value: &str) -> Result<Value, Error> {
    Ok(ours(parse_time(value)?.format("%-d %b").to_string()))
}

/// "Tue 3 Nov 2026"
fn date(value: &str) -> Result<Value, Error> {
    Ok(ours(parse_day(value)?.format("%a %-d %b %Y").to_string()))
}

fn period(value: Value) -> Result<Value, Error> {
    let p: Period = Period {
        since: match value.get_attr("since")? {
            v if v.is_none() => None,
            v => Some(parse_day(&v.to_string())?),
        },
        until: parse_day(&value.get_attr("until")?.to_string())?,
    };
    let fmt = |d: NaiveDate| d.format("%a %-d %b %Y").to_string();
    Ok(ours(match p.since {
        Some(s) if s == p.until => format!("Covers {}", fmt(s)),
        Some(s) => format!("Covers {} to {}", fmt(s), fmt(p.until)),
        None => format!("Covers everything up to {}", fmt(p.until)),
    }))
}

/// A rating, or a dash when it was skipped.
fn rating(value: Value) -> Result<Value, Error> {
    if value.is_none() || value.is_undefined() {
        Ok(ours("–".to_string()))
    } else {
        Ok(ours(number(&value)?.to_string()))
    }
}

fn number(value: &Value) -> Result<f64, Error> {
    f64::try_from(value.clone()).map_err(|_| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("not a number: {value}"),
        )
    })
}

/// One decimal, always shown: 5.0, 6.3.
fn one(value: Value) -> Result<Value, Error> {
    Ok(ours(format!("{:.1}", number(&value)?)))
}

/// A number with at most two decimals and no trailing zeros: 4, 2.5, 1.33.
fn num(value: Value) -> Result<Value, Error> {
    let text = format!("{:.2}", number(&value)?);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    Ok(ours(match text {
        "-0" => "0".to_string(),
        t => t.replace('-', "−"),
    }))
}

/// A change with its sign: +1.5, −2.0, 0.0.
fn signed(value: Value) -> Result<Value, Error> {
    let x = number(&value)?;
    Ok(ours(if x > 0.0 {
        format!("+{x:.1}")
    } else if x < 0.0 {
        format!("−{:.1}", -x)
    } else {
        "0.0".to_string()
    }))
}

pub use super::chart::chart;

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn markdown_inline_takes_plain_text_as_it_is_and_only_then(
            text in "[ a-zA-Z0-9.,:;'()?!é\u{a0}\u{2003}`<\\[|*_~&#\n\t\r=+>)-]{0,24}"
        ) {
            proptest::prop_assert_eq!(markdown_inline(&text), markdown_escaped(&text));
        }
    }

    #[test]
    fn markdown_escaping_keeps_words_and_defuses_syntax() {
        assert_eq!(
            markdown_inline("# hi *there*, isn't it?"),
            r"\# hi \*there\*, isn't it?"
        );
        assert_eq!(markdown_inline("- a"), r"\- a");
        assert_eq!(markdown_inline("12. b"), r"12\. b");
        assert_eq!(markdown_inline("<b>&amp;"), r"\<b>\&amp;");
        assert_eq!(markdown_inline("a\nb"), "a b");
        let env = environment(None);
        let quote = |name: &str| {
            env.template_from_named_str(name, "{{ x | blockquote }}")
                .unwrap()
                .render(minijinja::context! { x => "one\n<two>\n\nthree" })
                .unwrap()
        };
        // Two spaces keep the person's line break; a blank quote line the paragraph.
        assert_eq!(quote("t.md"), "> one  \n> \\<two>\n>\n> three");
        let indented = env
            .template_from_named_str("t.md", "- x\n  {{ x | blockquote(2) }}")
            .unwrap()
            .render(minijinja::context! { x => "one\n\ntwo" })
            .unwrap();
        assert_eq!(indented, "- x\n  > one\n  >\n  > two");
        assert_eq!(
            quote("t.html"),
            "one\n&lt;two&gt;\n\nthree",
            "escaped outside Markdown"
        );
    }

    #[test]
    fn markdown_leaves_alone_what_cannot_be_read_as_syntax_where_it_stands() {
        for (text, shown) in [
            // Between spaces, inside a word, mid-line, not before a name.
            ("2 * 3 = 6", "2 * 3 = 6"),
            ("a ** b __ c ~ d", "a ** b __ c ~ d"),
            ("snake_case_name", "snake_case_name"),
            ("tired - and + sad", "tired - and + sad"),
            ("we're #1, C# too", "we're #1, C# too"),
            ("at 3.30, version 0.1.0", "at 3.30, version 0.1.0"),
            ("1.5 hours", "1.5 hours"),
            ("-5 degrees", "-5 degrees"),
            ("+1", "+1"),
            ("=x", "=x"),
            ("Tom & Jerry", "Tom & Jerry"),
            ("I -> you", "I -> you"),
            ("Hi! [sic]", r"Hi! \[sic]"),
            (r"C:\dir", r"C:\dir"),
            // Where they are syntax.
            ("*Friday*", r"\*Friday\*"),
            ("a*b*c", r"a\*b\*c"),
            ("_x_", r"\_x\_"),
            ("~~gone~~", r"\~\~gone\~\~"),
            ("* item", r"\* item"),
            ("+ item", r"\+ item"),
            ("- item", r"\- item"),
            ("---", r"\---"),
            ("===", r"\==="),
            ("# title", r"\# title"),
            ("title #", r"title \#"),
            ("> quote", r"\> quote"),
            ("1) one", r"1\) one"),
            ("AT&T &amp; &#35;", r"AT\&T \&amp; \&#35;"),
            (r"a\*", r"a\\\*"),
            (r"end\", r"end\\"),
            ("`code`", r"\`code\`"),
            ("a | b", r"a \| b"),
            ("<b>", r"\<b>"),
            ("  indented", "indented"),
            ("hard break  ", "hard break"),
        ] {
            assert_eq!(markdown_inline(text), shown, "{text:?}");
        }
    }

    #[test]
    fn ascii_maps_every_character_outside_ascii() {
        assert_eq!(
            to_ascii("7 → 5 – “quoted” ‘too’… 3 × 2 · −2.0\u{a0}end — ok"),
            "7 -> 5 - \"quoted\" 'too'... 3 x 2 - -2.0 end - ok"
        );
        assert_eq!(
            to_ascii("Café naïve Åse Straße ﬁne ½"),
            "Cafe naive Ase Strasse fine 1/2"
        );
        assert_eq!(to_ascii("Søren, Łódź, Æsir"), "Soren, Lodz, AEsir");
        // Numbers read the same: a count of tablets never changes.
        assert_eq!(
            to_ascii("I slept 5½ hours, took 2¼ tablets, ⅓ left"),
            "I slept 5 1/2 hours, took 2 1/4 tablets, 1/3 left"
        );
        assert_eq!(to_ascii("10⁻³ m², H₂O"), "10^-3 m^2, H_2O");
        assert_eq!(to_ascii("5°C, 90°"), "5 degrees C, 90 degrees");
        // Emoji (with their selectors, joiners and skin tones) and other
        // scripts: a ? for each character, nothing hidden.
        assert_eq!(
            to_ascii("I cried 😢 then 👍🏽 ❤\u{fe0f}"),
            "I cried ? then ? ?"
        );
        assert_eq!(to_ascii("שלום"), "????");
        let all: String = (0..0x3_0000u32).filter_map(char::from_u32).collect();
        assert!(to_ascii(&all).is_ascii());
    }

    #[test]
    fn a_css_string_cannot_end_itself_or_its_style_element() {
        let shown = |s: &str| css_string(s).to_string();
        assert_eq!(shown("AB 1234"), "\"AB 1234\"");
        assert_eq!(
            shown("a\"b\\c</style><script>\n\u{1b}é"),
            r#""a\22 b\5c c\3c \2f style\3e \3c script\3e é""#
        );
    }

    #[test]
    fn each_built_in_template_has_its_safety_section_and_notices() {
        for format in [Format::Markdown, Format::Html, Format::Text] {
            let source = format.builtin();
            let macros = &source[..source
                .find(SAFETY_ENDS)
                .expect("the end of the safety section")];
            assert!(macros.contains("{% macro safety() %}"), "{format:?}");
            assert!(
                macros.contains(
                    "No use of the safety steps was shared for this period. Private entries are never shown."
                ),
                "{format:?}"
            );
            assert!(source.contains("{{ safety() }}"), "{format:?}");
            assert!(
                source.contains(INCOMPLETE) && source.contains(BRIEF),
                "{format:?}"
            );
        }
    }

    #[test]
    fn numbers_show_at_most_two_decimals_and_no_trailing_zeros() {
        let shown = |x: f64| num(Value::from(x)).unwrap().to_string();
        assert_eq!(shown(8.0), "8");
        assert_eq!(shown(2.5), "2.5");
        assert_eq!(shown(2.333_333), "2.33");
        assert_eq!(shown(6.666_7), "6.67");
        assert_eq!(shown(-0.001), "0");
        assert_eq!(shown(-1.25), "−1.25");
        assert_eq!(num(Value::from(3)).unwrap().to_string(), "3");
    }
}
