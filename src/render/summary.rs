//! The summary in each format: Markdown, HTML and text from templates
//! (embedded, or a clinic's own), JSON straight from the model.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate};
use minijinja::value::{Serde, Value};
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
    let env = environment();
    let name = format.template_name();
    let (source, shown_name) = match template {
        Some((shown, source)) => (source, shown),
        None => (format.builtin(), name),
    };
    let describe = |e: Error| {
        let line = e.line().map(|l| format!(", line {l}")).unwrap_or_default();
        let detail = e.detail().map(|d| format!(": {d}")).unwrap_or_default();
        TemplateError(format!(
            "the template {shown_name}{line} cannot be used: {}{detail}",
            e.kind()
        ))
    };
    let tmpl = env
        .template_from_named_str(name, source)
        .map_err(describe)?;
    let chart = (format == Format::Html).then(|| Value::from_safe_string(chart(summary)));
    let mut out = tmpl
        .render(minijinja::context! { s => Value::from(Serde(summary)), chart => chart })
        .map_err(describe)?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
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
    env.add_filter("blockquote", blockquote);
    env
}

/// In Markdown templates every printed value is escaped, so the patient's
/// words can never become a heading, emphasis, a table, a link or HTML.
fn format_value(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
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
fn blockquote(state: &State, value: Value, indent: Option<usize>) -> Value {
    let text = value.to_string();
    if !matches!(state.auto_escape(), AutoEscape::Custom(name) if name == MARKDOWN) {
        return Value::from(text);
    }
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
    Value::from_safe_string(out)
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
}
