//! Criterion benchmarks of the whole pipeline. Method and results:
//! BENCHMARKS.md. Run with `cargo bench -p linesman --bench pipeline`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use linesman::{Engine, Message, Playbook, Role};
use serde_json::{json, Value};

/// Deterministic pseudo-random numbers (xorshift), so every run builds the
/// same playbook.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

const HAN: &str = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坐集编宝谈府拉黑且随格尽剑讲布杀微怕母调局根曾准团段终乐切级克精哪官示冷域读";
const WORDS: &[&str] = &[
    "refund",
    "policy",
    "rubbish",
    "useless",
    "idiot",
    "problem",
    "manager",
    "broken",
    "stupid",
    "terrible",
    "nonsense",
    "whatever",
    "blame",
    "lazy",
    "scam",
    "liar",
    "fault",
    "garbage",
    "worthless",
    "pathetic",
];

fn large_playbook() -> Value {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let han: Vec<char> = HAN.chars().collect();
    let mut banned = Vec::new();
    for r in 0..50 {
        let phrases: Vec<String> = (0..100)
            .map(|i| {
                if i % 4 == 0 {
                    format!("{} {}{}", rng.pick(WORDS), rng.pick(WORDS), r * 100 + i)
                } else {
                    let len = 2 + (rng.next() % 3) as usize;
                    (0..len).map(|_| han[(rng.next() % han.len() as u64) as usize]).collect()
                }
            })
            .collect();
        let severity = ["low", "medium", "high"][r % 3];
        banned.push(json!({"id": format!("b{r}"), "severity": severity, "phrases": phrases,
                           "allow": ["滚动", "滚筒"], "suggest": ["我来帮您处理"]}));
    }
    // The four real rules a message should hit.
    banned.push(json!({"id": "dismissive", "severity": "high", "phrases": ["爱买不买", "not my problem", "滚"], "allow": ["滚动"]}));
    let required: Vec<Value> = (0..20)
        .map(|r| {
            let phrases: Vec<String> =
                (0..3).map(|_| (0..10).map(|_| han[(rng.next() % han.len() as u64) as usize]).collect()).collect();
            json!({"id": format!("r{r}"), "phrases": phrases, "deadline": {"agent_messages": 5 + r}})
        })
        .collect();
    json!({
        "playbook": "bench", "version": "1", "banned": banned, "required": required,
        "triggers": [
            {"id": "soothe", "when": {"emotion": ["angry"], "min_intensity": 3}, "suggest": ["非常理解"], "cooldown_messages": 4},
            {"id": "legal", "when": {"customer_says": ["投诉", "12315", "律师"]}, "flag": "high"},
            {"id": "banned-high", "when": {"banned_severity": "high"}, "flag": "high"}
        ]
    })
}

/// Realistic messages of about 120 chars, every normalisation exercised.
const MESSAGES: &[(Role, &str)] = &[
    (Role::Agent, "您好，很高兴为您服务！关于您的订单20231121000123，物流显示已经到达您所在城市的分拣中心，预计明天下午送达，请您保持电话13800138000畅通，如有问题随时联系我们，祝您生活愉快，还有什么可以帮您的吗？"),
    (Role::Customer, "你们这是什么垃圾服务？？？我等了整整一个星期了还没发货，客服一直说在处理在处理，到底什么时候能到？再不给我解决我就打12315投诉你们，我的邮箱是zhang.san@example.com"),
    (Role::Agent, "亲，这个问题真的不归我管，你自己去找快递公司吧，爱-买-不-买，我们这边已经发货了，物流慢不是我们的问题，F*CK 你们这些人天天催，有本事你去别家买啊，反正我也没办法帮你处理"),
    (Role::Customer, "I have been waiting for TWO WEEKS for my refund!!! This is absolutely ridiculous, your agent told me it's not my problem. Card 6222021234567890128, call me +1 (415) 555-2671"),
];

fn bench(c: &mut Criterion) {
    let pb = large_playbook();
    let json = pb.to_string();
    let engine = Engine::new(Playbook::from_value(&pb).unwrap());

    let mut g = c.benchmark_group("message");
    for (i, (role, text)) in MESSAGES.iter().enumerate() {
        let msg = Message::new(*role, *text).at(1_700_000_000_000);
        // A fresh conversation each time: every required rule still open,
        // the most work a message can cause.
        g.bench_function(format!("observe/{i}/{:?}/{}chars", role, text.chars().count()), |b| {
            b.iter_batched_ref(|| engine.conversation(), |conv| black_box(conv.observe(&msg)), BatchSize::SmallInput)
        });
    }
    g.finish();

    // The banned-phrase scan alone, side by side with its floor: a plain
    // Aho-Corasick automaton over the same raw phrases with no normalisation
    // (which misses every disguise).
    let raw: Vec<String> = pb["banned"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["phrases"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()))
        .collect();
    let ac = aho_corasick::AhoCorasick::builder().match_kind(aho_corasick::MatchKind::Standard).build(&raw).unwrap();
    let mut g = c.benchmark_group("scan");
    for (i, (_, text)) in MESSAGES.iter().enumerate() {
        let n = text.chars().count();
        g.bench_function(format!("linesman_draft/{i}/{n}chars"), |b| b.iter(|| black_box(engine.check_draft(text))));
        g.bench_function(format!("raw_aho_corasick/{i}/{n}chars"), |b| {
            b.iter(|| black_box(ac.find_overlapping_iter(black_box(*text)).count()))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    g.bench_function("build/5100_phrases_20_required", |b| b.iter(|| black_box(Engine::from_json(&json).unwrap())));
    g.finish();

    let chats: Vec<Vec<Message>> = include_str!("../samples/chats.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|v| serde_json::from_value(v["messages"].clone()).unwrap())
        .collect();
    let messages: usize = chats.iter().map(Vec::len).sum();
    let retail = Engine::new(Playbook::builtin("retail-zh").unwrap());
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Elements(messages as u64));
    g.bench_function(format!("samples/{}_chats_{}_messages", chats.len(), messages), |b| {
        b.iter(|| {
            for chat in &chats {
                let mut conv = retail.conversation();
                for m in chat {
                    black_box(conv.observe(m));
                }
                black_box(conv.end(None));
                black_box(conv.summary());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
