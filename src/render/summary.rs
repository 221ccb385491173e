//! The summary in each format: Markdown, HTML and text from templates
//! (embedded, or a clinic's own), JSON straight from the model.

use std::fmt::Write as _;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use chrono::{DateTime, NaiveDate};
use minijinja::value::{Serde, Value, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, Output, State};

use crate::summary::{Period, Summary};

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

/// Renders the summary. `template` is a clinic's own template source for
/// the Markdown, HTML or text format, with its name for messages.
/// Said in every summary written while files were skipped.
pub const INCOMPLETE: &str =
    "This summary may be incomplete: some files in the journal could not be read.";

pub fn render(
    summary: &Summary,
    format: Format,
    template: Option<(&str, &str)>,
) -> Result<String, TemplateError> {
    if format == Format::Json {
        let mut json = serde_json::to_string_pretty(summary)
            .map_err(|e| TemplateError(format!("cannot encode the summary: {e}")))?;
        json.push('\n');
        return Ok(json);
    }
    let chart = (format == Format::Html).then(|| Value::from_safe_string(chart(summary)));
    let context = minijinja::context! { s => Value::from(Serde(summary)), chart => chart };
    let Some((shown, source)) = template else {
        return render_with(
            format,
            format.builtin(),
            format.template_name(),
            context,
            None,
        );
    };
    // A clinic's template runs on a thread of its own, so that a template
    // finding a way around its budget is still stopped, by the clock: the
    // summary fails and the process ends, taking the thread with it.
    let budget = Budget::for_summary(summary);
    let (name, source) = (shown.to_string(), source.to_string());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("template".into())
        .spawn(move || {
            let _ = tx.send(render_with(format, &source, &name, context, Some(budget)));
        })
        .map_err(|e| TemplateError(format!("cannot render the template {shown}: {e}")))?;
    match rx.recv_timeout(budget.time) {
        // A clinic's template that leaves out the notice still carries it:
        // a reader must never take a partial summary for a whole one.
        Ok(Ok(out)) if summary.incomplete && !out.contains(INCOMPLETE) => {
            Ok(format!("{INCOMPLETE}\n\n{out}"))
        }
        Ok(result) => result,
        Err(RecvTimeoutError::Timeout) => Err(budget.exceeded(shown, "took longer")),
        Err(RecvTimeoutError::Disconnected) => Err(TemplateError(format!(
            "the template {shown} cannot be used: rendering it stopped without a result"
        ))),
    }
}

/// Renders `source` (known as `shown` in messages) within `budget`, if any.
fn render_with(
    format: Format,
    source: &str,
    shown: &str,
    context: Value,
    budget: Option<Budget>,
) -> Result<String, TemplateError> {
    let mut env = environment();
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

fn environment() -> Environment<'static> {
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

/// Characters that can start Markdown syntax anywhere in a line: emphasis,
/// code, links, images, raw HTML, entities, tables, headings, strikethrough.
const MARKDOWN_SPECIAL: &str = "\\`*_[]<>#|~&!";

/// Escapes what could turn text into Markdown syntax, so it shows exactly as
/// written, and folds it onto one line. Besides [`MARKDOWN_SPECIAL`], a
/// leading `-`, `+` or `=` and the `.` or `)` of a leading number are escaped
/// (lists, setext headings); leading spaces are dropped (code blocks).
pub fn markdown_inline(text: &str) -> String {
    let text = text.trim_start();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in text.chars().enumerate() {
        let at_start = (i == 0 && matches!(c, '-' | '+' | '='))
            || (i == digits && digits > 0 && matches!(c, '.' | ')'));
        match c {
            '\n' | '\t' => out.push(' '),
            c if at_start || MARKDOWN_SPECIAL.contains(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
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
        // A backslash at the end of a line is a hard line break.
        let _ = writeln!(out, "> {}", lines.join("\\\n> "));
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

/// A small inline SVG: for each entry, distress at the start (open circle)
/// and end (filled circle), joined by a line. Only numbers and dates go in,
/// never the patient's words.
pub fn chart(summary: &Summary) -> String {
    let points = &summary.glance.distress;
    if points.is_empty() {
        return String::new();
    }
    let (left, top, height, step) = (28.0, 10.0, 120.0, 34.0);
    let width = (left + step * points.len() as f64 + 10.0).max(200.0);
    let y = |v: u8| top + height - height * f64::from(v) / 10.0;
    let mut desc = Vec::new();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {h}" width="{width}" height="{h}" role="img" aria-labelledby="chart-title chart-desc">"##,
        h = top + height + 26.0
    );
    svg.push_str(
        r#"<title id="chart-title">Distress at the start and end of each shared entry</title>"#,
    );
    for v in [0u8, 5, 10] {
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{x2}" y1="{yy}" y2="{yy}" stroke="#d0d7de"/><text x="{tx}" y="{ty}" font-size="10" text-anchor="end" fill="#59636e">{v}</text>"##,
            x2 = width - 6.0,
            yy = y(v),
            tx = left - 6.0,
            ty = y(v) + 3.5
        );
    }
    for (i, p) in points.iter().enumerate() {
        let x = left + step * i as f64 + step / 2.0;
        let when = DateTime::parse_from_rfc3339(&p.created)
            .map(|t| t.format("%-d %b").to_string())
            .unwrap_or_default();
        let show = |r: Option<u8>| r.map_or("not given".to_string(), |r| r.to_string());
        desc.push(format!("{when}: {} to {}", show(p.start), show(p.end)));
        if let (Some(s), Some(e)) = (p.start, p.end) {
            let _ = write!(
                svg,
                r##"<line x1="{x}" x2="{x}" y1="{}" y2="{}" stroke="#3b5b8c" stroke-width="2"/>"##,
                y(s),
                y(e)
            );
        }
        if let Some(s) = p.start {
            let _ = write!(
                svg,
                r##"<circle cx="{x}" cy="{}" r="4" fill="#ffffff" stroke="#3b5b8c" stroke-width="2"/>"##,
                y(s)
            );
        }
        if let Some(e) = p.end {
            let _ = write!(
                svg,
                r##"<circle cx="{x}" cy="{}" r="4" fill="#3b5b8c"/>"##,
                y(e)
            );
        }
        if points.len() <= 16 || i % (points.len() / 8).max(1) == 0 {
            let _ = write!(
                svg,
                r##"<text x="{x}" y="{}" font-size="9" text-anchor="middle" fill="#59636e">{when}</text>"##,
                top + height + 18.0
            );
        }
    }
    let _ = write!(
        svg,
        r#"<desc id="chart-desc">Distress at the start and end, 0 to 10: {}.</desc></svg>"#,
        desc.join("; ")
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping_keeps_words_and_defuses_syntax() {
        assert_eq!(
            markdown_inline("# hi *there*, isn't it?"),
            r"\# hi \*there\*, isn't it?"
        );
        assert_eq!(markdown_inline("- a"), r"\- a");
        assert_eq!(markdown_inline("12. b"), r"12\. b");
        assert_eq!(markdown_inline("<b>&amp;"), r"\<b\>\&amp;");
        assert_eq!(markdown_inline("a\nb"), "a b");
        let env = environment();
        let quote = |name: &str| {
            env.template_from_named_str(name, "{{ x | blockquote }}")
                .unwrap()
                .render(minijinja::context! { x => "one\n<two>\n\nthree" })
                .unwrap()
        };
        assert_eq!(quote("t.md"), "> one\\\n> \\<two\\>\n>\n> three");
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
