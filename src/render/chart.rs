//! The one picture in the summary (HTML only): distress at the start and
//! end of each shared entry on a real time axis, with the safety threshold,
//! the uses of the safety steps and the session days. Only numbers and
//! dates go in, never the patient's words; the same summary gives the same
//! bytes, and the picture has one size whatever the number of entries.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Timelike};

use crate::summary::Summary;

/// The picture's own units; the page shows it at most this wide.
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
/// Text size in the picture's units where it is drawn near its own size
/// (paper, wide screens)...
const FONT: f64 = 12.0;
/// ...and on a narrow screen, where it shrinks to about half and 12 would
/// be under 7 px. Whatever must not overlap is laid out for this size.
const FONT_NARROW: f64 = 19.0;
/// Below this page width the narrow size applies.
const NARROW_PX: u32 = 560;
/// An upper estimate of a character's advance in a sans-serif face, in ems
/// (digits and most lower-case letters take 0.5 to 0.56).
const CHAR_EM: f64 = 0.6;

/// The plot: time from `LEFT` to `RIGHT`, distress 0 at `BOTTOM`.
const LEFT: f64 = 36.0;
const RIGHT: f64 = 630.0;
/// Room inside the plot, so a mark on the first or last day is whole.
const INSET: f64 = 10.0;
const BOTTOM: f64 = 184.0;
/// The baseline of the date labels.
const DATES: f64 = 208.0;
/// The first legend row's baseline, and the distance between rows.
const LEGEND: f64 = 17.0;
const LEGEND_ROW: f64 = 23.0;
/// Marks closer than this are binned (by day, then ISO week, then month).
const MIN_GAP: f64 = 6.0;
/// Bins beyond this many are described in summary, not one by one.
const DESCRIBE_BINS: usize = 16;

const INK: &str = "#1f2328";
const SOFT: &str = "#59636e";
const GRID: &str = "#d0d7de";
const MARK: &str = "#3b5b8c";
const LANE: &str = "#b3261e";
const RANGE: &str = "#d8dee4";

/// A small inline SVG: for each entry (or each bin, when crowded), distress
/// at the start (open circle) and end (filled circle) joined by a line, at
/// its date. Empty when there is nothing to draw.
pub fn chart(summary: &Summary) -> String {
    let mut points: Vec<Point> = summary
        .glance
        .distress
        .iter()
        .filter_map(|p| {
            let (day, t) = when(&p.created)?;
            Some(Point {
                t,
                day,
                start: p.start.map(|v| v.min(10)),
                end: p.end.map(|v| v.min(10)),
            })
        })
        .filter(|p| p.start.is_some() || p.end.is_some())
        .collect();
    points.sort_by(|a, b| a.t.total_cmp(&b.t));
    let mut lane: Vec<LaneUse> = summary
        .safety
        .lane
        .iter()
        .filter_map(|m| {
            let (day, t) = when(&m.created)?;
            Some(LaneUse {
                t,
                day,
                distress: m.distress.map(|v| v.min(10)),
            })
        })
        .collect();
    lane.sort_by(|a, b| a.t.total_cmp(&b.t));
    if points.is_empty() && lane.iter().all(|u| u.distress.is_none()) {
        return String::new();
    }

    let days = points
        .iter()
        .map(|p| p.day)
        .chain(lane.iter().map(|u| u.day));
    let (Some(min), Some(max)) = (days.clone().min(), days.max()) else {
        return String::new();
    };
    let first = summary.period.since.map_or(min, |s| s.min(min));
    let last = summary.period.until.max(max);
    let axis = Axis::new(first, last);
    let threshold = summary.threshold.min(10);
    let sessions: Vec<NaiveDate> = summary
        .sessions
        .iter()
        .copied()
        .filter(|d| (first..=last).contains(d))
        .collect();

    let (level, groups) = bin(&points, &axis);
    let gap = groups
        .windows(2)
        .map(|w| w[1].x - w[0].x)
        .fold(f64::INFINITY, f64::min);
    let radius = (gap * 0.4).clamp(2.5, 5.0);
    let mut lane_marks: Vec<(f64, u8)> = lane
        .iter()
        .filter_map(|u| {
            let x = match level {
                Level::Entry => axis.x(u.t),
                _ => axis.span_x(level.bin(u.day)),
            };
            Some((round(x), u.distress?))
        })
        .collect();
    lane_marks.dedup();

    let mut legend: Vec<(Key, String)> =
        vec![(Key::Start, "start".into()), (Key::End, "end".into())];
    if !lane_marks.is_empty() {
        legend.push((Key::Lane, "safety steps".into()));
    }
    legend.push((Key::Threshold, format!("threshold {threshold}")));
    if !sessions.is_empty() {
        legend.push((Key::Session, "session".into()));
    }
    if level != Level::Entry {
        legend.push((
            Key::Range,
            format!("mean of a {}, bar: range", level.noun()),
        ));
    }
    let (legend, rows) = lay_out_legend(legend);
    let top = LEGEND + LEGEND_ROW * (rows - 1) as f64 + 24.0;
    let y = |v: f64| BOTTOM - (BOTTOM - top) * v / 10.0;

    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="mentalog-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" style="width:100%;max-width:{WIDTH}px;height:auto" font-family="system-ui, sans-serif" role="img" aria-labelledby="chart-title chart-desc">"#
    );
    svg.push_str(
        r#"<title id="chart-title">Distress at the start and end of each shared entry</title>"#,
    );
    let _ = write!(
        svg,
        r#"<desc id="chart-desc">{}</desc>"#,
        describe(
            &points, &groups, level, &lane, threshold, &sessions, first, last
        )
    );
    let _ = write!(
        svg,
        "<style>@media (max-width: {NARROW_PX}px) {{ .mentalog-chart text {{ font-size: {FONT_NARROW}px; }} }}</style>"
    );

    // Distress 0, 5 and 10, and the threshold.
    for v in [0u8, 5, 10] {
        let yy = n(y(f64::from(v)));
        let stroke = if v == 0 { SOFT } else { GRID };
        let _ = write!(
            svg,
            r#"<line x1="{LEFT}" x2="{RIGHT}" y1="{yy}" y2="{yy}" stroke="{stroke}"/>"#
        );
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" font-size="{FONT}" text-anchor="end" fill="{SOFT}">{v}</text>"#,
            n(LEFT - 6.0),
            n(y(f64::from(v)) + 4.0)
        );
    }
    // The threshold's own number on the axis, unless it would crowd one there.
    if [0u8, 5, 10].iter().all(|v| v.abs_diff(threshold) >= 2) {
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" font-size="{FONT}" text-anchor="end" fill="{INK}">{threshold}</text>"#,
            n(LEFT - 6.0),
            n(y(f64::from(threshold)) + 4.0)
        );
    }
    let yt = n(y(f64::from(threshold)));
    let _ = write!(
        svg,
        r#"<line class="threshold" x1="{LEFT}" x2="{RIGHT}" y1="{yt}" y2="{yt}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>"#
    );

    // The date axis, then the session days across it.
    for (day, label) in ticks(&axis) {
        let x = n(axis.x(noon(day)));
        let _ = write!(
            svg,
            r#"<line x1="{x}" x2="{x}" y1="{BOTTOM}" y2="{}" stroke="{SOFT}"/><text class="date" x="{x}" y="{DATES}" font-size="{FONT}" text-anchor="middle" fill="{SOFT}">{label}</text>"#,
            n(BOTTOM + 5.0)
        );
    }
    for day in &sessions {
        let x = n(axis.x(noon(*day)));
        let _ = write!(
            svg,
            r#"<line class="session" x1="{x}" x2="{x}" y1="{}" y2="{}" stroke="{INK}" stroke-width="3"/>"#,
            n(BOTTOM - 7.0),
            n(BOTTOM + 7.0)
        );
    }

    // Each entry or bin: the range (bins only), then start to end.
    let bar = (gap * 0.7).clamp(3.0, 10.0);
    for g in &groups {
        let x = n(g.x);
        if g.count > 1 {
            let (lo, hi) = g.range();
            let (y1, y2) = (y(f64::from(hi)), y(f64::from(lo)));
            let _ = write!(
                svg,
                r#"<rect class="range" x="{}" y="{}" width="{}" height="{}" fill="{RANGE}"/>"#,
                n(g.x - bar / 2.0),
                n(y1 - 1.0),
                n(bar),
                n(y2 - y1 + 2.0)
            );
        }
        let (start, end) = (g.start(), g.end());
        if let (Some(s), Some(e)) = (start, end) {
            let _ = write!(
                svg,
                r#"<line x1="{x}" x2="{x}" y1="{}" y2="{}" stroke="{MARK}" stroke-width="2"/>"#,
                n(y(s)),
                n(y(e))
            );
        }
        if let Some(s) = start {
            let _ = write!(
                svg,
                r##"<circle class="start" cx="{x}" cy="{}" r="{}" fill="#ffffff" stroke="{MARK}" stroke-width="2"/>"##,
                n(y(s)),
                n(radius)
            );
        }
        if let Some(e) = end {
            let _ = write!(
                svg,
                r#"<circle class="end" cx="{x}" cy="{}" r="{}" fill="{MARK}"/>"#,
                n(y(e)),
                n(radius)
            );
        }
    }
    // The safety steps last, over everything: a triangle around the
    // arrival distress that opened them.
    for (x, d) in &lane_marks {
        let _ = write!(
            svg,
            r#"<path class="lane" d="{}" fill="none" stroke="{LANE}" stroke-width="2"/>"#,
            triangle(*x, y(f64::from(*d)), 6.0)
        );
    }

    for item in &legend {
        item.draw(&mut svg);
    }
    svg.push_str("</svg>");
    svg
}

/// An entry's distress, at its instant.
struct Point {
    /// Days since the common era, with the time of day as a fraction, in
    /// the entry's own offset (the day it was written where it was written).
    t: f64,
    day: NaiveDate,
    start: Option<u8>,
    end: Option<u8>,
}

struct LaneUse {
    t: f64,
    day: NaiveDate,
    distress: Option<u8>,
}

/// The day and instant of an RFC 3339 time.
fn when(created: &str) -> Option<(NaiveDate, f64)> {
    let local = DateTime::parse_from_rfc3339(created).ok()?.naive_local();
    let day = local.date();
    Some((
        day,
        day_number(day) + f64::from(local.num_seconds_from_midnight()) / 86_400.0,
    ))
}

fn day_number(day: NaiveDate) -> f64 {
    f64::from(day.num_days_from_ce())
}

fn noon(day: NaiveDate) -> f64 {
    day_number(day) + 0.5
}

/// Time to x: from the start of the first day to the end of the last.
struct Axis {
    first: NaiveDate,
    last: NaiveDate,
    t0: f64,
    t1: f64,
}

impl Axis {
    fn new(first: NaiveDate, last: NaiveDate) -> Axis {
        Axis {
            first,
            last,
            t0: day_number(first),
            t1: day_number(last) + 1.0,
        }
    }

    fn x(&self, t: f64) -> f64 {
        let t = t.clamp(self.t0, self.t1);
        LEFT + INSET + (RIGHT - LEFT - 2.0 * INSET) * (t - self.t0) / (self.t1 - self.t0)
    }

    /// The middle of the days `from..=to` that lie on the axis.
    fn span_x(&self, (from, to): (NaiveDate, NaiveDate)) -> f64 {
        let a = day_number(from.max(self.first));
        let b = day_number(to.min(self.last)) + 1.0;
        self.x(f64::midpoint(a, b))
    }

    /// Width of one day.
    fn day(&self) -> f64 {
        (RIGHT - LEFT - 2.0 * INSET) / (self.t1 - self.t0)
    }
}

/// How entries are drawn: each alone, or as the mean of a day, an ISO
/// week or a month when closer marks would merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Entry,
    Day,
    Week,
    Month,
}

impl Level {
    /// The first and last day of the bin holding `day`.
    fn bin(self, day: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            Level::Entry | Level::Day => (day, day),
            Level::Week => {
                let monday = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
                (monday, monday + Days::new(6))
            }
            Level::Month => {
                let first = day.with_day(1).unwrap_or(day);
                let next = first + Months::new(1);
                (first, next.pred_opt().unwrap_or(first))
            }
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Level::Entry => "entry",
            Level::Day => "day",
            Level::Week => "week",
            Level::Month => "month",
        }
    }
}

/// One mark on the chart: an entry, or the entries of a bin.
struct Group {
    x: f64,
    /// The bin's first day (the entry's day when not binned).
    from: NaiveDate,
    count: usize,
    starts: Vec<u8>,
    ends: Vec<u8>,
}

impl Group {
    fn start(&self) -> Option<f64> {
        mean(&self.starts)
    }

    fn end(&self) -> Option<f64> {
        mean(&self.ends)
    }

    /// Lowest and highest distress of the bin, start and end together.
    fn range(&self) -> (u8, u8) {
        let all = self.starts.iter().chain(&self.ends);
        (
            all.clone().copied().min().unwrap_or(0),
            all.copied().max().unwrap_or(0),
        )
    }
}

fn mean(values: &[u8]) -> Option<f64> {
    (!values.is_empty())
        .then(|| values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len() as f64)
}

/// The finest level at which no two marks are closer than [`MIN_GAP`] (or
/// the coarsest, when even months are crowded), and its marks in order.
fn bin(points: &[Point], axis: &Axis) -> (Level, Vec<Group>) {
    let mut groups = Vec::new();
    for level in [Level::Entry, Level::Day, Level::Week, Level::Month] {
        groups = group(points, axis, level);
        let crowded = groups.windows(2).any(|w| w[1].x - w[0].x < MIN_GAP);
        if !crowded {
            return (level, groups);
        }
    }
    (Level::Month, groups)
}

fn group(points: &[Point], axis: &Axis, level: Level) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for p in points {
        let span = level.bin(p.day);
        match groups.last_mut() {
            Some(g) if level != Level::Entry && g.from == span.0 => {
                g.count += 1;
                g.starts.extend(p.start);
                g.ends.extend(p.end);
            }
            _ => groups.push(Group {
                x: match level {
                    Level::Entry => axis.x(p.t),
                    _ => axis.span_x(span),
                },
                from: span.0,
                count: 1,
                starts: p.start.into_iter().collect(),
                ends: p.end.into_iter().collect(),
            }),
        }
    }
    groups
}

/// Label spacings to try, finest first.
#[derive(Debug, Clone, Copy)]
enum Step {
    Days(u64),
    Weeks(u64),
    Months(u32),
    Years(i32),
}

const STEPS: [Step; 14] = [
    Step::Days(1),
    Step::Days(2),
    Step::Days(3),
    Step::Weeks(1),
    Step::Weeks(2),
    Step::Months(1),
    Step::Months(2),
    Step::Months(3),
    Step::Months(6),
    Step::Years(1),
    Step::Years(2),
    Step::Years(5),
    Step::Years(10),
    Step::Years(50),
];

/// The date labels of the axis: the finest spacing whose labels, at the
/// narrow-screen size, stay apart and inside the picture.
fn ticks(axis: &Axis) -> Vec<(NaiveDate, String)> {
    for step in STEPS {
        // Inside the picture even in the longest form a label can take.
        let days: Vec<NaiveDate> = step_days(axis, step)
            .into_iter()
            .filter(|d| {
                let (x, half) = (axis.x(noon(*d)), text_width(&label(*d, step, true)) / 2.0);
                x - half >= 2.0 && x + half <= WIDTH - 2.0
            })
            .collect();
        let labels: Vec<(NaiveDate, String)> = days
            .iter()
            .enumerate()
            .map(|(i, d)| (*d, label(*d, step, i == 0)))
            .collect();
        let apart = labels.windows(2).all(|w| {
            let gap = axis.x(noon(w[1].0)) - axis.x(noon(w[0].0));
            gap >= (text_width(&w[0].1) + text_width(&w[1].1)) / 2.0 + FONT_NARROW / 2.0
        });
        if apart && !labels.is_empty() {
            return labels;
        }
    }
    Vec::new()
}

fn step_days(axis: &Axis, step: Step) -> Vec<NaiveDate> {
    let (first, last) = (axis.first, axis.last);
    let mut out = Vec::new();
    match step {
        Step::Days(k) => {
            // Too many to label is too crowded anyway.
            if axis.day() * k as f64 >= 20.0 {
                out.extend(
                    first
                        .iter_days()
                        .step_by(k as usize)
                        .take_while(|d| *d <= last),
                );
            }
        }
        Step::Weeks(k) => {
            if axis.day() * 7.0 * k as f64 >= 20.0 {
                let ahead = (7 - first.weekday().num_days_from_monday()) % 7;
                let monday = first + Days::new(u64::from(ahead));
                out.extend(
                    monday
                        .iter_days()
                        .step_by(7 * k as usize)
                        .take_while(|d| *d <= last),
                );
            }
        }
        Step::Months(k) => {
            let mut d = first.with_day(1).unwrap_or(first);
            while d <= last {
                if d >= first && d.month0() % k == 0 {
                    out.push(d);
                }
                d = d + Months::new(1);
            }
        }
        Step::Years(k) => {
            for year in first.year()..=last.year() {
                if let Some(d) = NaiveDate::from_ymd_opt(year, 1, 1)
                    && d >= first
                    && year % k == 0
                {
                    out.push(d);
                }
            }
        }
    }
    out
}

/// "3 Nov", or for months "Nov", with the year on the first and on January.
fn label(day: NaiveDate, step: Step, first: bool) -> String {
    let format = match step {
        Step::Days(_) | Step::Weeks(_) => "%-d %b",
        Step::Months(_) if first || day.month() == 1 => "%b %Y",
        Step::Months(_) => "%b",
        Step::Years(_) => "%Y",
    };
    day.format(format).to_string()
}

/// An upper estimate of the width of `text` at the narrow-screen size.
fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * FONT_NARROW * CHAR_EM
}

/// What a legend item shows.
#[derive(Debug, Clone, Copy)]
enum Key {
    Start,
    End,
    Lane,
    Threshold,
    Session,
    Range,
}

struct LegendItem {
    key: Key,
    text: String,
    /// Where the symbol's middle is, and the text's baseline.
    x: f64,
    y: f64,
}

const SYMBOL: f64 = 18.0;
const LEGEND_LEFT: f64 = 6.0;

/// Places the legend items in rows above the plot, laid out for the
/// narrow-screen text size; returns them and the number of rows.
fn lay_out_legend(items: Vec<(Key, String)>) -> (Vec<LegendItem>, usize) {
    let mut out = Vec::new();
    let (mut x, mut row) = (LEGEND_LEFT, 0);
    for (key, text) in items {
        let width = SYMBOL + 5.0 + text_width(&text);
        if x > LEGEND_LEFT && x + width > WIDTH - 4.0 {
            x = LEGEND_LEFT;
            row += 1;
        }
        out.push(LegendItem {
            key,
            text,
            x: x + SYMBOL / 2.0,
            y: LEGEND + LEGEND_ROW * row as f64,
        });
        x += width + 14.0;
    }
    (out, row + 1)
}

impl LegendItem {
    fn draw(&self, svg: &mut String) {
        let (x, y) = (self.x, self.y - 5.0);
        let (cx, cy) = (n(x), n(y));
        let _ = match self.key {
            Key::Start => write!(
                svg,
                r##"<circle cx="{cx}" cy="{cy}" r="4" fill="#ffffff" stroke="{MARK}" stroke-width="2"/>"##
            ),
            Key::End => write!(svg, r#"<circle cx="{cx}" cy="{cy}" r="4" fill="{MARK}"/>"#),
            Key::Lane => write!(
                svg,
                r#"<path d="{}" fill="none" stroke="{LANE}" stroke-width="2"/>"#,
                triangle(x, y + 1.0, 4.5)
            ),
            Key::Threshold => write!(
                svg,
                r#"<line x1="{}" x2="{}" y1="{cy}" y2="{cy}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>"#,
                n(x - SYMBOL / 2.0),
                n(x + SYMBOL / 2.0)
            ),
            Key::Session => write!(
                svg,
                r#"<line x1="{cx}" x2="{cx}" y1="{}" y2="{}" stroke="{INK}" stroke-width="3"/>"#,
                n(y - 7.0),
                n(y + 7.0)
            ),
            Key::Range => write!(
                svg,
                r#"<rect x="{}" y="{}" width="8" height="14" fill="{RANGE}"/>"#,
                n(x - 4.0),
                n(y - 7.0)
            ),
        };
        let _ = write!(
            svg,
            r#"<text class="key" x="{}" y="{}" font-size="{FONT}" fill="{INK}">{}</text>"#,
            n(x + SYMBOL / 2.0 + 5.0),
            n(self.y),
            self.text
        );
    }
}

/// An upward triangle around the point `(x, y)`, `inner` its incircle's radius.
fn triangle(x: f64, y: f64, inner: f64) -> String {
    let side = inner * 3f64.sqrt();
    format!(
        "M{} {}L{} {}L{} {}Z",
        n(x),
        n(y - 2.0 * inner),
        n(x + side),
        n(y + inner),
        n(x - side),
        n(y + inner)
    )
}

/// The chart in words, for screen readers: numbers and dates only.
#[allow(clippy::too_many_arguments)]
fn describe(
    points: &[Point],
    groups: &[Group],
    level: Level,
    lane: &[LaneUse],
    threshold: u8,
    sessions: &[NaiveDate],
    first: NaiveDate,
    last: NaiveDate,
) -> String {
    let mut out = format!(
        "Distress at the start and end of {} shared {}, 0 to 10, from {} to {}. Threshold {threshold}.",
        points.len(),
        if points.len() == 1 {
            "entry"
        } else {
            "entries"
        },
        long(first),
        long(last)
    );
    // Days without their year, unless the period crosses one.
    let short = |day: NaiveDate| {
        if first.year() == last.year() {
            day.format("%-d %b").to_string()
        } else {
            long(day)
        }
    };
    let pair = |s: Option<f64>, e: Option<f64>| {
        let show = |v: Option<f64>| v.map_or("not given".to_string(), n);
        format!("{} to {}", show(s), show(e))
    };
    if level == Level::Entry {
        if !points.is_empty() {
            let list: Vec<String> = points
                .iter()
                .map(|p| {
                    format!(
                        "{}: {}",
                        short(p.day),
                        pair(p.start.map(f64::from), p.end.map(f64::from))
                    )
                })
                .collect();
            let _ = write!(out, " {}.", list.join("; "));
        }
    } else {
        let _ = write!(
            out,
            " Binned by {noun}: each mark is the mean of a {noun}'s entries, the bar their range.",
            noun = level.noun()
        );
        if groups.len() <= DESCRIBE_BINS {
            let list: Vec<String> = groups
                .iter()
                .map(|g| {
                    let name = match level {
                        Level::Week => format!("week of {}", short(g.from)),
                        Level::Month => g.from.format("%b %Y").to_string(),
                        Level::Entry | Level::Day => short(g.from),
                    };
                    if g.count == 1 {
                        format!("{name}: {}", pair(g.start(), g.end()))
                    } else {
                        let (lo, hi) = g.range();
                        format!(
                            "{name}, {} entries: {} on average, from {lo} to {hi}",
                            g.count,
                            pair(g.start(), g.end())
                        )
                    }
                })
                .collect();
            let _ = write!(out, " {}.", list.join("; "));
        } else {
            let starts: Vec<u8> = points.iter().filter_map(|p| p.start).collect();
            let ends: Vec<u8> = points.iter().filter_map(|p| p.end).collect();
            let range = |v: &[u8]| match (v.iter().min(), v.iter().max()) {
                (Some(lo), Some(hi)) => format!("from {lo} to {hi}"),
                _ => "not given".to_string(),
            };
            let high = points
                .iter()
                .filter(|p| p.start.max(p.end).is_some_and(|v| v >= threshold))
                .count();
            let _ = write!(
                out,
                " {} {}s. Starts ranged {}, ends {}. {high} of {} entries were at or above the threshold at the start or the end.",
                groups.len(),
                level.noun(),
                range(&starts),
                range(&ends),
                points.len()
            );
        }
    }
    if !lane.is_empty() {
        let list: Vec<String> = lane
            .iter()
            .map(|u| {
                let d = u.distress.map_or("distress not given".to_string(), |d| {
                    format!("distress {d}")
                });
                format!("{} ({d})", short(u.day))
            })
            .collect();
        let _ = write!(out, " Safety steps used: {}.", list.join("; "));
    }
    if !sessions.is_empty() {
        let list: Vec<String> = sessions.iter().map(|d| short(*d)).collect();
        let _ = write!(out, " Sessions: {}.", list.join(", "));
    }
    out
}

fn long(day: NaiveDate) -> String {
    day.format("%-d %b %Y").to_string()
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A coordinate or a mean, to one decimal, without a trailing ".0".
fn n(v: f64) -> String {
    let r = round(v);
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Answer, Entry, Kind, PackRef, Value, keys};
    use crate::summary::{DistressPair, Moment, Options, Period, build_with, select};
    use std::collections::BTreeMap;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A summary of nothing over `since..=until`, threshold 8, to fill in.
    fn empty(since: Option<&str>, until: &str) -> Summary {
        let period = Period {
            since: since.map(day),
            until: day(until),
        };
        let options = Options {
            threshold: 8,
            ..Options::default()
        };
        build_with(&select(&[], period), period, None, false, &options)
    }

    fn pair(created: &str, start: Option<u8>, end: Option<u8>) -> DistressPair {
        DistressPair {
            id: created.into(),
            created: created.into(),
            start,
            end,
            lane: false,
        }
    }

    fn moment(created: &str, distress: Option<u8>, whole: bool) -> Moment {
        Moment {
            id: created.into(),
            created: created.into(),
            distress,
            safety_answer: Some("not sure".into()),
            plan: None,
            whole,
            note: None,
        }
    }

    /// Entries at noon on consecutive days from `first`, `per_day` a day,
    /// distress cycling so that no two neighbours are alike.
    fn daily(first: &str, days: u64, per_day: u64) -> Vec<DistressPair> {
        let first = day(first);
        let mut out = Vec::new();
        for d in 0..days {
            for k in 0..per_day {
                let i = d * per_day + k;
                let when = first + Days::new(d);
                out.push(pair(
                    &format!("{when}T{:02}:00:00+01:00", 8 + k),
                    Some((i * 3 % 11) as u8),
                    Some((i * 7 % 11) as u8),
                ));
            }
        }
        out
    }

    /// Every `<tag ...>` of the SVG, as its attributes.
    fn elements(svg: &str, tag: &str) -> Vec<BTreeMap<String, String>> {
        let open = format!("<{tag} ");
        let mut out = Vec::new();
        let mut rest = svg;
        while let Some(at) = rest.find(&open) {
            let body = &rest[at + open.len()..];
            let end = body.find('>').unwrap();
            let mut attrs = BTreeMap::new();
            let mut a = &body[..end];
            while let Some(eq) = a.find("=\"") {
                let name = a[..eq].trim().to_string();
                let value_end = a[eq + 2..].find('"').unwrap();
                attrs.insert(name, a[eq + 2..eq + 2 + value_end].to_string());
                a = &a[eq + 2 + value_end + 1..];
            }
            out.push(attrs);
            rest = &body[end..];
        }
        out
    }

    fn with_class(svg: &str, tag: &str, class: &str) -> Vec<BTreeMap<String, String>> {
        elements(svg, tag)
            .into_iter()
            .filter(|e| e.get("class").is_some_and(|c| c == class))
            .collect()
    }

    fn num(e: &BTreeMap<String, String>, name: &str) -> f64 {
        e[name].parse().unwrap()
    }

    /// The x of each start mark, left to right as written.
    fn starts(svg: &str) -> Vec<f64> {
        with_class(svg, "circle", "start")
            .iter()
            .map(|c| num(c, "cx"))
            .collect()
    }

    /// The text of every `<text>` element with `class`, with its x.
    fn texts(svg: &str, class: &str) -> Vec<(f64, String)> {
        let mut out = Vec::new();
        for piece in svg.split("<text ").skip(1) {
            let (head, body) = piece.split_once('>').unwrap();
            let attrs = elements(&format!("<text {head}>"), "text").remove(0);
            if attrs.get("class").is_some_and(|c| c == class) {
                let text = body.split_once("</text>").unwrap().0.to_string();
                out.push((num(&attrs, "x"), text));
            }
        }
        out
    }

    fn desc(svg: &str) -> &str {
        let start = svg.find("<desc id=\"chart-desc\">").unwrap() + 22;
        let end = svg.find("</desc>").unwrap();
        &svg[start..end]
    }

    #[test]
    fn dates_map_to_x_in_order_and_in_proportion() {
        let mut s = empty(Some("2026-11-01"), "2026-11-30");
        // Given out of order: drawn in date order all the same.
        s.glance.distress = vec![
            pair("2026-11-11T12:00:00+01:00", Some(5), Some(3)),
            pair("2026-11-01T12:00:00+01:00", Some(7), Some(4)),
            pair("2026-11-02T12:00:00+01:00", Some(6), Some(6)),
            pair("2026-11-05T12:00:00+01:00", Some(9), Some(2)),
            pair("2026-11-30T00:00:00+01:00", Some(1), Some(1)),
        ];
        let svg = chart(&s);
        let xs = starts(&svg);
        assert_eq!(xs.len(), 5, "{svg}");
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "not in order: {xs:?}");
        // 1, 4, 10 and 28.5 days after the first: distances in proportion,
        // 30 days across the plot.
        let unit = (RIGHT - LEFT - 2.0 * INSET) / 30.0;
        for (i, days) in [(1, 1.0), (2, 4.0), (3, 10.0), (4, 28.5)] {
            let expected = unit * days;
            assert!(
                ((xs[i] - xs[0]) - expected).abs() <= 0.1,
                "entry {i}: {} from the first, expected {expected} ({xs:?})",
                xs[i] - xs[0]
            );
        }
        // The period's first day starts at the left, its last ends at the right.
        assert!(
            (xs[0] - (LEFT + INSET + unit / 2.0)).abs() <= 0.05,
            "{xs:?}"
        );
        assert!(xs[4] < RIGHT - INSET, "{xs:?}");
        assert!(desc(&svg).contains("1 Nov: 7 to 4; 2 Nov: 6 to 6; 5 Nov: 9 to 2"));
    }

    #[test]
    fn without_a_start_day_the_axis_begins_at_the_first_entry() {
        let mut s = empty(None, "2026-11-20");
        s.glance.distress = vec![
            pair("2026-11-10T00:00:00+01:00", Some(5), Some(3)),
            pair("2026-11-15T12:00:00+01:00", Some(5), Some(3)),
        ];
        let xs = starts(&chart(&s));
        // Eleven days on the axis; the first entry at its very start.
        assert_eq!(xs[0], LEFT + INSET);
        let day = (RIGHT - LEFT - 2.0 * INSET) / 11.0;
        assert!((xs[1] - xs[0] - 5.5 * day).abs() <= 0.1, "{xs:?}");
    }

    /// The chart of 1, 7 (a week) and 400 (two years) entries.
    fn three_sizes() -> Vec<(&'static str, String)> {
        let mut one = empty(None, "2026-11-25");
        one.glance.distress = vec![pair("2026-11-25T21:40:00+01:00", Some(7), Some(4))];
        let mut week = empty(Some("2026-11-02"), "2026-11-08");
        week.glance.distress = daily("2026-11-02", 7, 1);
        let mut years = empty(Some("2025-01-01"), "2026-12-31");
        // 400 entries over 730 days, some days twice.
        years.glance.distress = daily("2025-01-01", 730, 1)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i * 400 % 730 < 400)
            .map(|(_, p)| p)
            .collect();
        assert_eq!(years.glance.distress.len(), 400);
        vec![
            ("one", chart(&one)),
            ("week", chart(&week)),
            ("years", chart(&years)),
        ]
    }

    #[test]
    fn one_a_week_and_two_years_render_at_one_readable_size() {
        let charts = three_sizes();
        for (name, svg) in &charts {
            let root = elements(svg, "svg").remove(0);
            assert_eq!(root["viewBox"], "0 0 640 220", "{name}");
            assert_eq!(
                (&*root["width"], &*root["height"]),
                ("640", "220"),
                "{name}"
            );
            assert!(root["style"].contains("max-width:640px"), "{name}");
            let sizes: Vec<f64> = elements(svg, "text")
                .iter()
                .map(|t| num(t, "font-size"))
                .collect();
            assert!(
                !sizes.is_empty() && sizes.iter().all(|&f| f >= 11.0),
                "{name}: {sizes:?}"
            );
            assert!(
                svg.contains(&format!("font-size: {FONT_NARROW}px")),
                "{name}"
            );

            // Date labels apart from each other and inside the picture, at
            // the larger (narrow-screen) size, with half an em to spare.
            let labels = texts(svg, "date");
            assert!(!labels.is_empty(), "{name}: no dates");
            let width = |t: &str| t.chars().count() as f64 * FONT_NARROW * 0.6;
            for (x, t) in &labels {
                assert!(
                    x - width(t) / 2.0 >= 0.0 && x + width(t) / 2.0 <= 640.0,
                    "{name}: {t} at {x}"
                );
            }
            for w in labels.windows(2) {
                let room = w[1].0 - w[0].0 - (width(&w[0].1) + width(&w[1].1)) / 2.0;
                assert!(room >= FONT_NARROW / 2.0, "{name}: {w:?} overlap");
            }
        }

        // A week: seven marks, well apart, unbinned, each day labelled.
        let week = &charts[1].1;
        let xs = starts(week);
        assert_eq!(xs.len(), 7);
        assert!(xs.windows(2).all(|w| w[1] - w[0] > 60.0), "{xs:?}");
        assert!(
            with_class(week, "circle", "start")
                .iter()
                .all(|c| num(c, "r") >= 4.0)
        );
        assert_eq!(texts(week, "date").len(), 7, "{week}");
        assert!(!desc(week).contains("Binned"));

        // Two years: binned, so no mark within 6 of the next.
        let years = &charts[2].1;
        let xs = starts(years);
        assert!(xs.len() < 100, "{} marks", xs.len());
        assert!(xs.windows(2).all(|w| w[1] - w[0] >= MIN_GAP), "{xs:?}");
        assert!(!with_class(years, "rect", "range").is_empty());
        let d = desc(years);
        assert!(
            d.contains("400 shared entries") && d.contains("Binned by month"),
            "{d}"
        );
        assert!(d.contains("24 months. Starts ranged from 0 to 10"), "{d}");
        assert!(years.contains("mean of a month, bar: range"));
    }

    #[test]
    fn crowded_days_bin_by_day_then_by_week() {
        // Two entries a day for a week: bin by day.
        let mut s = empty(Some("2026-01-01"), "2026-03-31");
        s.glance.distress = daily("2026-03-01", 7, 2);
        let svg = chart(&s);
        assert_eq!(starts(&svg).len(), 7);
        assert!(desc(&svg).contains("Binned by day"), "{}", desc(&svg));
        assert!(desc(&svg).contains("1 Mar, 2 entries: "), "{}", desc(&svg));

        // Every day for half a year: a day is 3 units wide; bin by week.
        let mut s = empty(Some("2026-01-01"), "2026-06-30");
        s.glance.distress = daily("2026-01-01", 181, 1);
        let svg = chart(&s);
        assert!(desc(&svg).contains("Binned by week"), "{}", desc(&svg));
        let xs = starts(&svg);
        assert_eq!(xs.len(), 27, "ISO weeks touched by the period");
        assert!(xs.windows(2).all(|w| w[1] - w[0] >= MIN_GAP), "{xs:?}");
    }

    #[test]
    fn the_threshold_is_a_dashed_line_at_its_distress() {
        for threshold in [8u8, 5] {
            let mut s = empty(Some("2026-11-01"), "2026-11-07");
            s.threshold = threshold;
            s.glance.distress = vec![pair("2026-11-03T12:00:00+01:00", Some(threshold), Some(0))];
            let svg = chart(&s);
            let line = with_class(&svg, "line", "threshold").remove(0);
            let mark = with_class(&svg, "circle", "start").remove(0);
            assert_eq!(line["y1"], mark["cy"], "threshold {threshold}");
            assert_eq!(line["y1"], line["y2"]);
            assert!(line.contains_key("stroke-dasharray"));
            assert!(svg.contains(&format!(">threshold {threshold}</text>")));
            assert!(desc(&svg).contains(&format!("Threshold {threshold}.")));
        }
    }

    #[test]
    fn a_use_of_the_safety_steps_is_a_triangle() {
        let mut s = empty(Some("2026-11-01"), "2026-11-14");
        let mut lane = pair("2026-11-03T12:00:00+01:00", Some(9), Some(6));
        lane.lane = true;
        s.glance.distress = vec![pair("2026-11-02T12:00:00+01:00", Some(4), Some(3)), lane];
        s.safety.lane = vec![
            moment("2026-11-03T12:00:00+01:00", Some(9), true),
            // Shared only as "the steps opened": no entry, still a mark.
            moment("2026-11-10T12:00:00+01:00", Some(10), false),
        ];
        let svg = chart(&s);
        let marks = with_class(&svg, "path", "lane");
        assert_eq!(marks.len(), 2, "{svg}");
        // Around the arrival distress of its entry.
        let start = &with_class(&svg, "circle", "start")[1];
        let (cx, cy) = (num(start, "cx"), num(start, "cy"));
        assert!(
            marks[0]["d"].starts_with(&format!("M{} {}", n(cx), n(cy - 12.0))),
            "{marks:?}"
        );
        assert!(svg.contains(">safety steps</text>"));
        assert!(
            desc(&svg).contains("Safety steps used: 3 Nov (distress 9); 10 Nov (distress 10).")
        );

        // A mark of its own shape, not only colour: none without a use.
        s.safety.lane.clear();
        let svg = chart(&s);
        assert!(with_class(&svg, "path", "lane").is_empty());
        assert!(!svg.contains("safety steps"));
    }

    #[test]
    fn session_days_are_ticks_at_their_dates() {
        let mut s = empty(Some("2026-11-01"), "2026-11-14");
        s.glance.distress = vec![
            pair("2026-11-04T12:00:00+01:00", Some(4), Some(3)),
            pair("2026-11-11T12:00:00+01:00", Some(4), Some(3)),
        ];
        s.sessions = vec![day("2026-11-04"), day("2026-11-11"), day("2026-12-01")];
        let svg = chart(&s);
        let ticks: Vec<f64> = with_class(&svg, "line", "session")
            .iter()
            .map(|l| num(l, "x1"))
            .collect();
        assert_eq!(
            ticks,
            starts(&svg),
            "ticks at noon of each session day in the period"
        );
        assert!(svg.contains(">session</text>"));
        assert!(desc(&svg).contains("Sessions: 4 Nov, 11 Nov."));

        s.sessions.clear();
        let svg = chart(&s);
        assert!(with_class(&svg, "line", "session").is_empty() && !svg.contains(">session<"));
    }

    #[test]
    fn the_same_summary_gives_the_same_bytes_to_one_decimal() {
        for (name, svg) in three_sizes() {
            assert_eq!(
                svg,
                three_sizes().into_iter().find(|c| c.0 == name).unwrap().1
            );
            for tag in ["circle", "line", "rect", "text"] {
                for e in elements(&svg, tag) {
                    for key in [
                        "x", "y", "cx", "cy", "x1", "x2", "y1", "y2", "width", "height",
                    ] {
                        if let Some(v) = e.get(key) {
                            let decimals = v.split_once('.').map_or(0, |(_, d)| d.len());
                            assert!(decimals <= 1, "{name}: {tag} {key}={v}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn nothing_to_draw_is_no_chart() {
        assert_eq!(chart(&empty(None, "2026-11-25")), "");
    }

    #[test]
    fn the_patients_words_never_reach_the_picture() {
        let answer = |key: &str, kind, value| Answer {
            key: key.into(),
            kind,
            question: format!("{key} <script>alert(1)</script>?"),
            framing: None,
            value,
        };
        let words = "<script>alert(1)</script> WORDS-OF-THE-ENTRY";
        let entry = Entry {
            schema: crate::entry::SCHEMA_VERSION,
            id: "2026-11-03T21-40-12-7c1e".into(),
            created: DateTime::parse_from_rfc3339("2026-11-03T21:40:12+01:00").unwrap(),
            pack: PackRef {
                id: "<script>p".into(),
                version: "1".into(),
            },
            shared: true,
            safety_lane: true,
            answers: vec![
                answer(keys::ARRIVAL_DISTRESS, Kind::Rating, Value::Rating(9)),
                answer(
                    keys::WHAT_HAPPENED,
                    Kind::LongText,
                    Value::Text(words.into()),
                ),
                answer(keys::SAFETY_NOTE, Kind::LongText, Value::Text(words.into())),
                answer(keys::SHARE_TOPIC, Kind::LongText, Value::Text(words.into())),
                answer(keys::AFTER_DISTRESS, Kind::Rating, Value::Rating(5)),
            ],
            nudge: None,
            safety_shared: true,
            plan: None,
            rechecks: Vec::new(),
            follows: None,
            distress_rose: false,
            plan_opened: None,
            focus: None,
            measures: Vec::new(),
            tags: Vec::new(),
            imported: None,
        };
        let period = Period {
            since: None,
            until: day("2026-11-25"),
        };
        let options = Options {
            threshold: 8,
            label: Some("<script>label"),
            sessions: &[day("2026-11-10")],
            ..Options::default()
        };
        let s = build_with(&select(&[entry], period), period, None, false, &options);
        let svg = chart(&s);
        assert!(!svg.is_empty());
        assert!(!svg.contains("script") && !svg.contains("WORDS"), "{svg}");
        assert!(desc(&svg).contains("3 Nov: 9 to 5") && desc(&svg).contains("distress 9"));
        // Every text drawn is a number, a date or the legend's own words.
        let legend = ["start", "end", "safety steps", "threshold 8", "session"];
        for piece in svg.split("<text ").skip(1) {
            let text = piece
                .split_once('>')
                .unwrap()
                .1
                .split_once("</text>")
                .unwrap()
                .0;
            let date = NaiveDate::parse_from_str(&format!("{text} 2026"), "%d %b %Y").is_ok();
            assert!(
                legend.contains(&text) || text.parse::<u8>().is_ok() || date,
                "{text:?} in the chart"
            );
        }
    }
}
