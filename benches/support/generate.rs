//! A realistic journal of `n` entries from a fixed seed, for benchmarks, the
//! side-by-side script with jrnl and tests: full walks of the built-in pack
//! (and a few safety-lane entries), spread over years, written through the
//! real store. The same seed and `n` give the same files, byte for byte.
//! It can also write the same words as a jrnl 4 plain-text journal.
//!
//! Included with `#[path = "..."] mod generate;`, so it has no `main` and
//! uses nothing but the library and its dependencies.
#![allow(dead_code)]

use std::io::{self, Write};
use std::path::PathBuf;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use mentalog::entry::{
    self, Answer, Entry, Feeling, Kind, NudgeRecord, PlanState, SCHEMA_VERSION, Value, keys,
};
use mentalog::pack::{self, Pack};
use mentalog::store::Store;

/// The newest entry is written at this local date; older ones go back from it.
pub const NEWEST_DAY: (i32, u32, u32) = (2026, 11, 20);

/// A tiny deterministic PRNG (splitmix64): no dependency, same stream everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
}

/// What [`write_journal`] wrote.
pub struct Written {
    /// Every entry file, oldest first.
    pub paths: Vec<PathBuf>,
    pub bytes: u64,
    pub oldest: Option<DateTime<FixedOffset>>,
    pub newest: Option<DateTime<FixedOffset>>,
}

/// Writes `n` entries through [`Store::save_entry`].
pub fn write_journal(store: &Store, n: usize, seed: u64) -> anyhow::Result<Written> {
    write_both(store, n, seed, None)
}

/// Writes `n` entries through the store and, in `jrnl`, the same words as a
/// jrnl plain-text journal (see [`jrnl_entry`]), oldest first.
pub fn write_both(
    store: &Store,
    n: usize,
    seed: u64,
    mut jrnl: Option<&mut dyn Write>,
) -> anyhow::Result<Written> {
    use rayon::prelude::*;
    // Each save syncs the file and its folder: the time is spent waiting on
    // the disk, so many threads save at once; the entries themselves are
    // made in order, one after another, so the files do not depend on it.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(64).build()?;
    let mut written = Written {
        paths: Vec::with_capacity(n),
        bytes: 0,
        oldest: None,
        newest: None,
    };
    let mut generator = entries(n, seed);
    let mut first = true;
    loop {
        let chunk: Vec<Entry> = generator.by_ref().take(1024).collect();
        if chunk.is_empty() {
            break;
        }
        let saved = pool.install(|| {
            chunk
                .par_iter()
                .map(|entry| {
                    let path = store.save_entry(entry)?;
                    let len = std::fs::metadata(&path)?.len();
                    Ok((path, len))
                })
                .collect::<anyhow::Result<Vec<_>>>()
        })?;
        for (path, len) in saved {
            written.bytes += len;
            written.paths.push(path);
        }
        for entry in &chunk {
            if let Some(out) = jrnl.as_deref_mut() {
                if !first {
                    out.write_all(b"\n")?;
                }
                out.write_all(jrnl_entry(entry).as_bytes())?;
            }
            first = false;
            written.oldest.get_or_insert(entry.created);
            written.newest = Some(entry.created);
        }
    }
    if let Some(out) = jrnl {
        out.flush()?;
    }
    Ok(written)
}

/// Writes only the jrnl plain-text journal of the same `n` entries.
pub fn write_jrnl(out: &mut dyn Write, n: usize, seed: u64) -> io::Result<()> {
    for (i, entry) in entries(n, seed).enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(jrnl_entry(&entry).as_bytes())?;
    }
    out.flush()
}

/// One entry as jrnl 4 writes it (`Entry.__str__`):
/// `[YYYY-MM-DD HH:MM] Title` then the body on the next lines and a newline;
/// jrnl joins entries with `\n`, so a blank line separates them. The title is
/// the first sentence of what happened (or of the safety note); the body is
/// the rest of it and the other answers' words, a paragraph each. The time
/// is the entry's own local time, as jrnl's `timeformat` writes it.
pub fn jrnl_entry(entry: &Entry) -> String {
    let mut parts: Vec<String> = Vec::new();
    let first_key = if entry.safety_lane {
        keys::SAFETY_NOTE
    } else {
        keys::WHAT_HAPPENED
    };
    let first = entry.text(first_key).unwrap_or("I wrote a few lines.");
    let (title, rest) = match first.find(". ") {
        Some(i) => (&first[..=i], first[i + 2..].trim()),
        None => (first, ""),
    };
    if !rest.is_empty() {
        parts.push(rest.to_string());
    }
    for a in &entry.answers {
        if a.key == first_key {
            continue;
        }
        match (&a.value, a.kind) {
            (Value::Text(t), Kind::ShortText | Kind::LongText) => parts.push(t.clone()),
            (Value::Feelings(_), _) => parts.push(format!("Feelings: {}.", a.value.plain_text())),
            _ => {}
        }
    }
    let mut out = format!("[{}] {}", entry.created.format("%Y-%m-%d %H:%M"), title);
    if !parts.is_empty() {
        out.push('\n');
        out.push_str(&parts.join("\n\n"));
    }
    out.push('\n');
    out
}

/// The `n` entries, oldest first.
pub fn entries(n: usize, seed: u64) -> Generator {
    let mut rng = Rng::new(seed ^ 0x7469_6D65_7321);
    let times = times(&mut rng, n);
    Generator {
        rng: Rng::new(seed),
        times,
        pack: Pack::builtin(),
        last_lane: None,
    }
}

pub struct Generator {
    rng: Rng,
    /// Newest first, so `pop` gives the oldest.
    times: Vec<DateTime<FixedOffset>>,
    pack: Pack,
    last_lane: Option<String>,
}

impl Iterator for Generator {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        let created = self.times.pop()?;
        let rng = &mut self.rng;
        let id = format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
        let entry = if rng.chance(3) {
            let e = lane(rng, &self.pack, id, created);
            self.last_lane = Some(e.id.clone());
            e
        } else {
            let follows = self.last_lane.take().filter(|_| rng.chance(50));
            walk(rng, &self.pack, id, created, follows)
        };
        Some(entry)
    }
}

/// The entries' times, newest first: back from [`NEWEST_DAY`] about one a
/// day, with gaps of up to a week and a few days with several.
fn times(rng: &mut Rng, n: usize) -> Vec<DateTime<FixedOffset>> {
    let (y, m, d) = NEWEST_DAY;
    let mut day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let mut local = day.and_time(time_of_day(rng));
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if i > 0 {
            let roll = rng.range(0, 99);
            if roll < 22 {
                // Another entry earlier the same day (or late the day before).
                local -= Duration::minutes(rng.range(40, 300) as i64);
                day = local.date();
            } else {
                let gap = match roll {
                    22..=84 => 1,
                    85..=94 => 2,
                    _ => rng.range(3, 7),
                };
                day -= Duration::days(gap as i64);
                local = day.and_time(time_of_day(rng));
            }
        }
        out.push(with_offset(rng, local));
    }
    out
}

fn time_of_day(rng: &mut Rng) -> NaiveTime {
    let hour = *rng.pick(&[7, 8, 12, 13, 17, 18, 19, 20, 20, 21, 21, 21, 22, 22, 23]);
    NaiveTime::from_hms_opt(hour, rng.range(0, 59) as u32, rng.range(0, 59) as u32).unwrap()
}

/// Central European time, summer and winter, and now and then a trip.
fn with_offset(rng: &mut Rng, local: NaiveDateTime) -> DateTime<FixedOffset> {
    use chrono::Datelike;
    let hours = if rng.chance(3) {
        *rng.pick(&[0, -5, 3, 9])
    } else if (4..=10).contains(&local.month()) {
        2
    } else {
        1
    };
    let offset = FixedOffset::east_opt(hours * 3600).unwrap();
    offset.from_local_datetime(&local).unwrap()
}

fn answer(pack: &Pack, key: &str, value: Value) -> Answer {
    let step = pack.step(key);
    Answer {
        key: key.into(),
        kind: step.map_or(Kind::LongText, |s| s.kind),
        question: step.map_or_else(|| format!("{key}?"), |s| s.question.clone()),
        framing: step.and_then(|s| s.framing.clone()),
        value,
    }
}

/// A full walk of the pack, some steps skipped.
fn walk(
    rng: &mut Rng,
    pack: &Pack,
    id: String,
    created: DateTime<FixedOffset>,
    follows: Option<String>,
) -> Entry {
    let who = *rng.pick(PEOPLE);
    let place = *rng.pick(PLACES);
    let shared = rng.chance(33);
    let arrival = rng.range(1, 7) as u8;
    let after = (arrival as i64 + rng.range(0, 5) as i64 - 3).clamp(0, 10) as u8;
    let mut answers = Vec::new();
    for step in pack.steps.iter().filter(|s| s.enabled) {
        let key = step.key.as_str();
        let optional = !matches!(
            key,
            keys::ARRIVAL_DISTRESS
                | keys::ARRIVAL_SAFETY
                | keys::WHAT_HAPPENED
                | keys::SHARE_INCLUDE
        );
        if optional && rng.chance(30) {
            continue;
        }
        let value = match key {
            keys::ARRIVAL_DISTRESS => Value::Rating(arrival),
            keys::ARRIVAL_SAFETY => {
                Value::Text(if rng.chance(4) { "not sure" } else { "no" }.into())
            }
            keys::WHAT_HAPPENED => Value::Text(what_happened(rng, who, place)),
            keys::SELF_FEELINGS => Value::Feelings(feelings(rng, pack)),
            keys::OTHER_WHO => Value::Text(who.into()),
            keys::OTHER_CERTAINTY => {
                let guessed = answers
                    .iter()
                    .any(|a: &Answer| a.key == keys::OTHER_FEELING || a.key == keys::OTHER_INTENT);
                if !guessed {
                    continue;
                }
                Value::Rating(rng.range(1, 9) as u8)
            }
            keys::AFTER_DISTRESS => Value::Rating(after),
            keys::SHARE_TOPIC if !shared && rng.chance(70) => continue,
            keys::SHARE_INCLUDE => Value::Bool(shared),
            _ => match step.kind {
                Kind::ShortText | Kind::LongText => {
                    let bank = bank(key);
                    let count = if step.kind == Kind::ShortText {
                        1
                    } else {
                        sentences(rng)
                    };
                    Value::Text(text(rng, bank, count, who, place))
                }
                Kind::Rating | Kind::Scale => Value::Rating(rng.range(0, 10) as u8),
                Kind::YesNo => Value::Bool(rng.chance(50)),
                Kind::YesNoUnsure => Value::Text((*rng.pick(&entry::YES_NO_UNSURE)).into()),
                Kind::Choice | Kind::Feelings => continue,
            },
        };
        answers.push(answer(pack, key, value));
    }
    let rose = entry::distress_rose(
        Some(arrival),
        Some(after),
        pack.safety_threshold,
        pack.safety_rise,
    );
    let nudge = rng.chance(10).then(|| {
        let n = rng.pick(&pack.nudges);
        NudgeRecord {
            id: n.id.clone(),
            text: n.text.clone(),
            answer: rng.chance(60).then(|| text(rng, OTHER_SIDE, 1, who, place)),
            after: None,
            shown_after: answers.last().map(|a| a.key.clone()),
        }
    });
    Entry {
        schema: SCHEMA_VERSION,
        id,
        created,
        pack: pack.reference(),
        shared,
        safety_lane: false,
        answers,
        nudge,
        safety_shared: shared,
        plan: rose.then_some(PlanState {
            plan_written: true,
            contacts: true,
        }),
        rechecks: Vec::new(),
        follows,
        distress_rose: rose,
        plan_opened: None,
        focus: None,
        measures: Vec::new(),
        tags: Vec::new(),
        imported: None,
    }
}

/// A safety-lane entry: very strong feelings, a line or two, a share choice.
fn lane(rng: &mut Rng, pack: &Pack, id: String, created: DateTime<FixedOffset>) -> Entry {
    let who = *rng.pick(PEOPLE);
    let place = *rng.pick(PLACES);
    let choice = rng.range(0, 2) as usize;
    let (shared, safety_shared) = [(true, true), (false, true), (false, false)][choice];
    let step = |key: &str, kind: Kind, question: &str, value: Value| Answer {
        key: key.into(),
        kind,
        question: question.into(),
        framing: None,
        value,
    };
    let mut answers = vec![
        answer(
            pack,
            keys::ARRIVAL_DISTRESS,
            Value::Rating(rng.range(8, 10) as u8),
        ),
        answer(
            pack,
            keys::ARRIVAL_SAFETY,
            Value::Text(if rng.chance(50) { "yes" } else { "not sure" }.into()),
        ),
    ];
    if rng.chance(80) {
        let count = rng.range(1, 3) as usize;
        answers.push(step(
            keys::SAFETY_NOTE,
            Kind::LongText,
            &pack.safety.note_question,
            Value::Text(text(rng, LANE_NOTE, count, who, place)),
        ));
    }
    answers.push(step(
        keys::SAFETY_SHARE,
        Kind::Choice,
        pack::LANE_SHARE_QUESTION,
        Value::Text(pack::LANE_SHARE_ITEMS[choice].into()),
    ));
    Entry {
        schema: SCHEMA_VERSION,
        id,
        created,
        pack: pack.reference(),
        shared,
        safety_lane: true,
        answers,
        nudge: None,
        safety_shared,
        plan: Some(PlanState {
            plan_written: rng.chance(80),
            contacts: rng.chance(70),
        }),
        rechecks: Vec::new(),
        follows: None,
        distress_rose: false,
        plan_opened: None,
        focus: None,
        measures: Vec::new(),
        tags: Vec::new(),
        imported: None,
    }
}

/// How many sentences a long answer has: mostly one or two, sometimes more.
fn sentences(rng: &mut Rng) -> usize {
    match rng.range(0, 99) {
        0..=79 => 1,
        80..=95 => 2,
        _ => rng.range(3, 4) as usize,
    }
}

/// What happened: a sentence or two, a paragraph, or several paragraphs.
fn what_happened(rng: &mut Rng, who: &str, place: &str) -> String {
    let roll = rng.range(0, 99);
    if roll < 50 {
        let count = rng.range(1, 2) as usize;
        text(rng, MOMENT, count, who, place)
    } else if roll < 92 {
        let count = rng.range(3, 5) as usize;
        text(rng, MOMENT, count, who, place)
    } else {
        let paragraphs = rng.range(2, 3);
        (0..paragraphs)
            .map(|_| {
                let count = rng.range(3, 5) as usize;
                text(rng, MOMENT, count, who, place)
            })
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

fn feelings(rng: &mut Rng, pack: &Pack) -> Vec<Feeling> {
    let count = rng.range(1, 4) as usize;
    let mut out: Vec<Feeling> = Vec::with_capacity(count);
    for _ in 0..count {
        let name = rng.pick(&pack.feelings).clone();
        if out.iter().any(|f| f.name == name) {
            continue;
        }
        // Always rated: a feeling without an intensity (valid in the schema)
        // makes the built-in Markdown template fail (`f.intensity` undefined).
        let intensity = Some(rng.range(1, 10) as u8);
        out.push(Feeling { name, intensity });
    }
    out
}

/// `count` sentences from `bank`, with the person and the place filled in.
fn text(rng: &mut Rng, bank: &[&str], count: usize, who: &str, place: &str) -> String {
    let mut out = String::new();
    for i in 0..count {
        if i > 0 {
            out.push(' ');
        }
        let s = rng
            .pick(bank)
            .replace("{who}", who)
            .replace("{place}", place);
        let mut chars = s.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

fn bank(key: &str) -> &'static [&'static str] {
    match key {
        keys::TURNING_POINT => TURNING,
        keys::SELF_BODY => BODY,
        keys::SELF_THOUGHTS => THOUGHTS,
        keys::SELF_NEEDS => NEEDS,
        keys::SELF_ACTIONS => ACTIONS,
        keys::OTHER_FEELING | keys::OTHER_INTENT | keys::OTHER_ALTERNATIVE => OTHER_SIDE,
        keys::SELF_AS_SEEN => AS_SEEN,
        keys::AFTER_SHIFT => SHIFT,
        keys::SHARE_TOPIC => TOPICS,
        "repair.since" => REPAIR,
        _ => MOMENT,
    }
}

// The words: plain sentences with no `[`, `@`, `#` or `*`, which jrnl reads
// as dates, tags or stars.

const PEOPLE: &[&str] = &[
    "my sister",
    "my mother",
    "my father",
    "my partner",
    "my brother",
    "my manager",
    "a colleague",
    "my flatmate",
    "Sam",
    "Alex",
    "Jo",
    "Maya",
    "Tom",
    "Priya",
    "Ben",
    "Lena",
    "Omar",
    "Kate",
    "the nurse",
    "my son",
];

const PLACES: &[&str] = &[
    "at dinner",
    "in the kitchen",
    "on the phone",
    "at work",
    "in the car",
    "at the supermarket",
    "on the bus home",
    "at my mother's",
    "in a meeting",
    "over text",
    "in the waiting room",
    "at the park",
];

const MOMENT: &[&str] = &[
    "I was telling {who} about my week {place} and they looked at their phone.",
    "We were {place} when {who} said I always make everything about me.",
    "{place}, {who} laughed at something I said, and I could not tell if it was kind.",
    "I asked {who} for help with the forms and they said they were too busy.",
    "Nobody answered when I rang, and later I saw {who} had been online the whole time.",
    "We had agreed to meet at six; {who} came at half past and did not say sorry.",
    "{who} asked me, quite sharply, whether I had finished what I promised.",
    "I said I was fine, and {who} just nodded and went back to what they were doing.",
    "There were four of us {place}, and the others kept talking over me.",
    "I had cooked for two hours and {who} said it was a bit salty.",
    "{who} forgot that today was the appointment I had been dreading all week.",
    "It was late, I was tired, and the message from {who} was only one word long.",
    "I brought up the holiday plans {place} and {who} changed the subject.",
    "We were laughing at first, then {who} made a joke about my job and it stung.",
    "I waited for a reply all afternoon; it came at nine and said nothing about what I asked.",
    "{who} hugged everyone else goodbye and just waved at me.",
    "I noticed my hands were shaking before I even said anything.",
    "The room went quiet when I said it, and {who} looked at the floor.",
];

const TURNING: &[&str] = &[
    "I had just said the part I was proud of.",
    "Right before that I had been feeling close to them for the first time in weeks.",
    "I was waiting for them to ask how I was.",
    "I had already decided to bring it up, and my heart was racing.",
    "They sighed before they answered, and that was the moment.",
];

const BODY: &[&str] = &[
    "A tight throat.",
    "My chest went hot.",
    "Heavy shoulders and a knot in my stomach.",
    "My face burned.",
    "Cold hands, fast breathing.",
];

const THOUGHTS: &[&str] = &[
    "They do not care about anything I do.",
    "I am too much for people, again.",
    "I should have kept quiet; it always goes wrong when I speak up.",
    "Maybe I misread it, but it felt like a test I failed.",
    "Everyone else gets a proper answer and I get a shrug.",
    "If they cared they would have called.",
];

const NEEDS: &[&str] = &[
    "For them to be interested, just for a minute.",
    "To be asked how I was, and for the answer to matter.",
    "Some reassurance that we were still all right.",
    "To be taken seriously.",
    "A bit of quiet, and for nobody to be cross with me.",
];

const ACTIONS: &[&str] = &[
    "I went quiet and left early.",
    "I snapped back and then felt awful about it.",
    "I wanted to send a long message, but I wrote it here instead.",
    "I went for a walk around the block until my breathing slowed.",
    "I pretended it was fine and tidied the kitchen.",
    "I put my phone face down and watched television without really watching.",
];

const OTHER_SIDE: &[&str] = &[
    "Maybe they were tired, or worried about something at work.",
    "They might have been waiting for news about their own family.",
    "Perhaps they thought the joke was affectionate.",
    "They may not have noticed I was in the middle of something important to me.",
    "It is possible they were embarrassed and did not know what to say.",
    "They might have wanted to help but felt they had nothing left today.",
    "Maybe they were trying to keep the evening light for everyone.",
];

const AS_SEEN: &[&str] = &[
    "Probably cold and sulky.",
    "Maybe as if I was angry with them, when I was hurt.",
    "Quiet, which they might have read as not caring.",
    "Sharp, I think, more than I meant.",
];

const SHIFT: &[&str] = &[
    "A little: I do not actually know why they did it.",
    "Not much yet, but the feeling is smaller.",
    "I can see there might be another side, even if I do not believe it yet.",
    "Yes, writing it down made it less certain.",
];

const TOPICS: &[&str] = &[
    "Why I go quiet instead of saying I am hurt.",
    "How quickly I decide what other people think of me.",
    "What to do when a message does not come.",
    "The pattern with my family at mealtimes.",
];

const REPAIR: &[&str] = &[
    "We have not talked since.",
    "They sent a short message the next morning, which helped.",
    "I would want them to know that I go quiet when I am hurt, not when I am angry.",
    "We laughed about something else later, and it eased.",
];

const LANE_NOTE: &[&str] = &[
    "After the row tonight I could not stop crying.",
    "I read my plan and texted my friend, and I am staying on the sofa with the radio on.",
    "Everything feels too loud right now.",
    "I will write more tomorrow, when it is quieter.",
    "I called the crisis line and talked for a while, and it helped a little.",
];
