"""Off-topic rules (HY202 related tail, HY203 foreign sentence, HY201 off-topic paragraph)
and the models behind them: the register model and the learned line model."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from hygiene.assets import ModelError
from hygiene.cli import main
from hygiene.decide import selected
from hygiene.detectors import default_detectors
from hygiene.detectors.furniture import FurnitureDetector
from hygiene.detectors.register import RegisterModel
from hygiene.detectors.tail import RelatedTailDetector
from hygiene.detectors.topic import TopicDetector
from hygiene.document import Document
from hygiene.embed import DIM
from hygiene.embed.onnx import OnnxEmbedder
from hygiene.embed.shared import CachedEmbedder, LazyEmbedder
from hygiene.findings import Category, Finding, Span
from hygiene.pipeline import Pipeline
from hygiene.rules import RULES
from hygiene.segment import Segmented, segment

SEPS = pytest.mark.parametrize("sep", ["\n", "\n\n"], ids=["per-line", "blank-lines"])

# --- articles ----------------------------------------------------------------------------------

WATER = [
    "Ridgeway begins work on $48 million water treatment plant",
    "Construction crews broke ground on Monday on a new water treatment plant in Ridgeway, the "
    "largest public works project the city has undertaken in three decades.",
    "The plant, on a former rail yard beside the Mill River, will replace a filtration system "
    "built in 1961 that has failed state inspections twice in the past five years.",
    "City engineer Dana Whitfield said the new facility would treat up to 12 million gallons of "
    "water a day, enough for the city's projected population in 2050.",
    "Residents have complained for years about discoloured tap water and frequent boil-water "
    "notices, especially in the older neighbourhoods east of the river.",
    "The project is paid for with a state revolving loan, a federal infrastructure grant and a "
    "rate increase of about $6 a month for the average household.",
    "Council member Luis Ortega, who voted against the rate increase, said he supported the plant "
    "but wanted the city to do more to help low-income families with their bills.",
    "Work on the intake pipes is expected to close River Road to traffic for much of the summer, "
    "and the city plans a detour through the industrial park.",
    "Whitfield said the plant should be running by the autumn of 2027, after which the old "
    "filtration building will be torn down and the site turned into a riverside park.",
]

HOSPITAL = [
    "Cyberattack forces St. Brennan's hospital to divert ambulances",
    "A ransomware attack shut down computer systems at St. Brennan's Regional Hospital on Tuesday "
    "night. Ambulances were sent to hospitals in neighbouring towns, and staff switched to paper "
    "records.",
    "The hospital's chief executive, Margaret Osei, said the attack began shortly after 11 p.m. "
    "when nurses found they could not open patient charts. Within an hour, the laboratory and "
    "radiology systems had also gone dark.",
    "Osei said no patient had been harmed. Surgeons postponed about 40 planned operations on "
    "Wednesday, and the emergency department accepted only walk-in patients.",
    "Investigators from the state police and a private security firm were working through the "
    "night to find out how the attackers got in. Officials would not say whether a ransom had "
    "been demanded.",
    "Patients with appointments this week were asked to call ahead. The hospital set up a "
    "temporary phone line, and volunteers handed out printed schedules at the main entrance.",
    "Hospitals across the region have faced a wave of similar attacks since last year. A clinic "
    "in Port Calloway was offline for nine days in March after criminals encrypted its servers.",
    "Osei said the hospital expected to restore its main systems by the weekend. She thanked "
    "staff who had stayed late to keep wards running on paper.",
]

FERRY = [
    "Gull Island ferry operator fined over safety reports",
    "The company that runs the Gull Island ferry was fined $250,000 on Thursday for failing to "
    "report a string of safety problems on its two vessels.",
    "Inspectors found that crew members had raised concerns about faulty lifejackets and a "
    "leaking fuel line as early as last spring. The complaints were never passed on to the coast "
    "guard.",
    "Two former deckhands told investigators they had been warned not to speak about the problems "
    "outside the company. One said he lost shifts after he wrote to the harbour master.",
    "The company's managing director, Paul Redfern, apologised at a hearing in the county court. "
    "He said the firm had hired a new safety officer and replaced every lifejacket on board.",
    "Islanders depend on the ferry for groceries, school runs and hospital visits. Many said they "
    "were shocked that problems had gone unreported for so long.",
    "The judge ordered the company to pay the fine in three instalments. The ferry will keep "
    "running while an independent audit of its vessels takes place.",
    "Redfern said the company would cooperate fully with the audit and would publish its findings "
    "on its website.",
]

_BAKERY_REGRET = "She said she was heartbroken that anyone had been hurt."
BAKERY = [
    "Family bakery recalls bread after sesame found in 'seed-free' loaves",
    "A family-run bakery in Marlow has recalled three kinds of bread after customers with "
    "allergies fell ill. Tests found traces of sesame in loaves sold as seed-free.",
    "Owner Helen Price said the problem began when a new supplier delivered flour that had been "
    "milled alongside sesame. She said the bakery had not known about the change.",
    "At least four people, including a nine-year-old boy, needed treatment after eating the bread "
    "last week. All have since recovered, according to the county health department.",
    "The recalled loaves were sold at the bakery's two shops and at the Saturday farmers market. "
    "Customers can return them for a full refund.",
    "Price said the bakery had stopped using the supplier and was testing every batch of flour. "
    "She said she was heartbroken that customers with allergies had been made ill by her bread.",
    "Health inspectors visited the bakery on Monday and said it could keep trading while the "
    "recall goes on.",
    "The bakery has been run by the Price family since 1974 and supplies bread to several schools "
    "in the area.",
]
ARTICLES = {"water": WATER, "hospital": HOSPITAL, "ferry": FERRY, "bakery": BAKERY}


def doc(text: str) -> Document:
    return Document(id="t.txt", path="t.txt", text=text)


def seg_of(text: str) -> Segmented:
    return segment(doc(text))


def inject(article: list[str], index: int, sentence: str) -> list[str]:
    """The article with a sentence inserted after the first sentence of a paragraph."""
    first, rest = article[index].split(". ", 1)
    return [*article[:index], f"{first}. {sentence} {rest}", *article[index + 1 :]]


def codes(findings: Sequence[Finding], prefix: str = "HY2") -> list[str]:
    return [f.code for f in findings if f.code.startswith(prefix)]


@pytest.fixture(scope="module")
def onnx() -> CachedEmbedder:
    return CachedEmbedder(OnnxEmbedder())


@pytest.fixture(scope="module")
def register() -> RegisterModel:
    return RegisterModel.load()


@pytest.fixture(scope="module")
def pipeline(onnx: CachedEmbedder, register: RegisterModel) -> Pipeline:
    """Every detector, the topic detector on the ONNX embedder."""
    return Pipeline([*default_detectors("none"), TopicDetector(onnx, register)])


# --- HY202: related-articles tail --------------------------------------------------------------

TAILS = {
    "more-from": [
        "More from The Valley Sun",
        "Orchard growers brace for late frost",
        "Apple and cherry farmers in the upper valley lit fires between the rows overnight as "
        "temperatures dropped below freezing.",
        "High school robotics team heads to national finals",
        "Students from Ridgeway High built a robot that sorts recycling, and it won the regional "
        "contest in April.",
    ],
    "recommended-outlets": [
        "Recommended for you",
        "Fishing fleet stays in port as storm approaches",
        "Skippers in Port Calloway tied up their boats on Friday after forecasters warned of "
        "gale-force winds.",
        "Harbor Times · 3h",
        "New bakery opens on Market Street",
        "The owners say they will bake sourdough every morning from 5 a.m., and the first hundred "
        "customers get a free loaf.",
        "Valley Sun · 5h",
    ],
    # The first story is on the article's own topic: it belongs to the tail all the same.
    "trending-same-topic": [
        "Trending now",
        "Ridgeway water rates to rise by $6 a month next year",
        "Households will pay more for water from January to cover the cost of the new treatment "
        "plant on the Mill River.",
        "2 days ago",
        "Mill River flood defences to be rebuilt after winter storms",
        "The county will spend $3 million raising the earth banks along the lower river.",
        "4 days ago",
    ],
    "might-also-like": [
        "You might also like",
        "Library extends opening hours for exam season",
        "The central library will stay open until 10 p.m. on weeknights in May and June.",
        "Marlow mill workers vote to accept buyout offer",
        "Most of the 200 workers at the paper mill will receive a year's pay.",
    ],
}
HEADERLESS = {
    "relative-times": [
        "3 hours ago",
        "Fishing fleet stays in port as storm approaches",
        "Skippers in Port Calloway tied up their boats on Friday after forecasters warned of "
        "gale-force winds.",
        "2 days ago",
        "New bakery opens on Market Street",
        "The owners say they will bake sourdough every morning from 5 a.m., and the first hundred "
        "customers get a free loaf.",
    ],
    "outlet-lines": [
        "Harbor Times · 3h",
        "Fishing fleet stays in port as storm approaches",
        "Skippers in Port Calloway tied up their boats on Friday after forecasters warned of "
        "gale-force winds.",
        "Valley Sun · 2 days ago",
        "New bakery opens on Market Street",
        "The owners say they will bake sourdough every morning from 5 a.m., and the first hundred "
        "customers get a free loaf.",
    ],
}


def through_last_lede(tail: list[str]) -> list[str]:
    """The tail up to its last lede (ledes are the lines that end with a full stop)."""
    last = max(i for i, line in enumerate(tail) if line.endswith("."))
    return tail[: last + 1]


def tail_findings(text: str) -> list[Finding]:
    return [f for f in RelatedTailDetector().detect(seg_of(text)) if f.code == "HY202"]


def assert_one_tail(text: str, tail: list[str], sep: str) -> Finding:
    (f,) = tail_findings(text)
    assert (f.code, f.category) == ("HY202", Category.OFFTOPIC)
    assert text[f.start : f.end] == sep.join(through_last_lede(tail))
    assert f.fix == Span(f.start, f.end)
    assert f"lines {f.line}-{f.end_line}" in f.message
    return f


@SEPS
@pytest.mark.parametrize("name", list(TAILS))
def test_tail_after_a_header_is_one_region(name: str, sep: str) -> None:
    tail = TAILS[name]
    text = sep.join(WATER + tail)
    f = assert_one_tail(text, tail, sep)
    assert f.line == len(WATER) * len(sep) + 1
    assert f"after the header '{tail[0]}'" in f.message
    assert "2 other stories" in f.message


@SEPS
@pytest.mark.parametrize("name", list(HEADERLESS))
def test_headerless_tail_with_outlet_or_time_lines_is_found(name: str, sep: str) -> None:
    tail = HEADERLESS[name]
    f = assert_one_tail(sep.join(HOSPITAL + tail), tail, sep)
    assert "2 other stories each with an outlet or time line" in f.message


def test_same_topic_story_is_flagged_with_the_tail_and_the_article_is_not(
    pipeline: Pipeline,
) -> None:
    tail = TAILS["trending-same-topic"]
    text = "\n".join(WATER + tail)
    findings = pipeline.analyze(segment(doc(text))).findings
    (region,) = [f for f in findings if f.code == "HY202"]
    assert text.index("Ridgeway water rates") > region.start
    assert text.index("plant on the Mill River.") < region.end
    article_end = len("\n".join(WATER))
    assert [f for f in findings if f.start < article_end] == []


THREE_UNITS = [
    "Harbor Times · 3h",
    "Fishing fleet stays in port as storm approaches",
    "Skippers in Port Calloway tied up their boats on Friday after forecasters warned of "
    "gale-force winds.",
    "Valley Sun · 2 days ago",
    "New bakery opens on Market Street",
    "The owners say they will bake sourdough every morning from 5 a.m.",
    "Coast Gazette · 6h",
    "County fair returns after two-year break",
    "Organisers expect more than 20,000 visitors over the long weekend.",
]


@SEPS
@pytest.mark.parametrize("header", [["Recommended for you"], []], ids=["header", "headerless"])
def test_tail_with_outlet_line_before_each_headline_reaches_the_last_lede(
    header: list[str], sep: str
) -> None:
    tail = header + THREE_UNITS
    f = assert_one_tail(sep.join(WATER + tail), tail, sep)
    assert "3 other stories" in f.message


SUBHEADED = [
    *WATER[:4],
    "What residents can expect",
    *WATER[4:6],
    "Who pays for the plant",
    *WATER[6:8],
    "What comes next",
    *WATER[8:],
]


@SEPS
def test_subheadings_inside_the_article_are_not_a_tail(sep: str, pipeline: Pipeline) -> None:
    text = sep.join(SUBHEADED)
    assert tail_findings(text) == []
    assert pipeline.analyze(segment(doc(text))).findings == []


@SEPS
@pytest.mark.parametrize(
    ("article", "at", "link"),
    [
        (WATER, 5, "Related: Ridgeway council approves water rate increase"),
        (HOSPITAL, 4, "Related: Port Calloway clinic back online after nine-day outage"),
    ],
)
def test_inline_related_link_mid_article_is_not_a_tail(
    article: list[str], at: int, link: str, sep: str, pipeline: Pipeline
) -> None:
    text = sep.join([*article[:at], link, *article[at:]])
    assert tail_findings(text) == []
    # The story after the link is not flagged (the link itself may be, as furniture).
    findings = pipeline.analyze(segment(doc(text))).findings
    assert {text[f.start : f.end] for f in findings} <= {link}


# --- HY203: foreign sentence -------------------------------------------------------------------

LEGAL_INCIDENT = (
    "Operators shall notify the competent authority within 72 hours of becoming aware of the "
    "incident, in accordance with Article 23(4)."
)
LEGAL_RECITAL = (
    "This Regulation should apply without prejudice to the rules laid down in Directive (EU) "
    "2019/1937."
)
LEGAL_LABELLING = (
    "Information on substances causing allergies shall be indicated on the label of prepacked "
    "foods in accordance with Annex II."
)
PROMO = "Use code SPRING25 at checkout to get 25% off your first order of our meal kits."


@SEPS
@pytest.mark.parametrize(
    ("article", "index", "sentence"),
    [
        ("hospital", 3, LEGAL_INCIDENT),
        ("ferry", 3, LEGAL_RECITAL),
        ("bakery", 3, LEGAL_LABELLING),
        ("ferry", 5, LEGAL_INCIDENT),
        ("hospital", 5, PROMO),
        ("bakery", 4, PROMO),
        ("ferry", 3, PROMO),
    ],
)
def test_foreign_sentence_is_flagged_alone(
    article: str, index: int, sentence: str, sep: str, pipeline: Pipeline
) -> None:
    lines = inject(ARTICLES[article], index, sentence)
    text = sep.join(lines)
    findings = pipeline.analyze(segment(doc(text))).findings
    (f,) = [f for f in findings if f.code.startswith("HY2")]
    assert (f.code, f.category) == ("HY203", Category.OFFTOPIC)
    assert text[f.start : f.end] == sentence
    assert "register" in f.message
    # Nothing else in the paragraph that holds it is flagged.
    para_start = text.index(lines[index])
    para_end = para_start + len(lines[index])
    assert [g for g in findings if g.start < para_end and g.end > para_start] == [f]


@SEPS
@pytest.mark.parametrize("article", list(ARTICLES))
def test_clean_articles_have_no_offtopic_findings(
    article: str, sep: str, pipeline: Pipeline
) -> None:
    text = sep.join(ARTICLES[article])
    assert codes(pipeline.analyze(segment(doc(text))).findings) == []


MEMBER_STATES = (
    "Member States shall ensure that operators notify the competent authority of any "
    "significant incident without undue delay"
)


# A Japanese story (written for these tests): no spaces between words, so its
# sentences are measured in characters (text.word_count) and judged like any other.
LIBRARY = [
    "北川町の図書館、来春に改装へ",
    "北川町は十日、町立図書館の大規模な改装工事を来年四月に始めると発表した。"
    "建物は築四十年を超え、雨漏りや空調の故障が続いていた。",
    "町によると、工事費は約三億円で、国の補助金と町の積立金でまかなう。"
    "工事の間は、駅前の公民館に仮の窓口を設ける。",
    "改装後は、子ども向けの読書室を広げ、学習スペースを今の二倍にする。"
    "車いすでも使いやすいように、入り口の段差もなくす。",
    "図書館の利用者は、この十年で三割ほど減った。"
    "町の担当者は「若い世代にもっと来てもらえる場所にしたい」と話している。",
    "地元の中学生からは、放課後に宿題ができる静かな場所がほしいという声が多く寄せられていた。"
    "町は説明会を二回開き、住民の意見を聞いた。",
    "一方で、工事期間が一年近くに及ぶことを心配する声もある。"
    "高齢の利用者の中には、公民館まで行くのが難しい人もいる。",
    "町は、移動図書館の車を週二回走らせ、各地区の集会所を回る計画だ。"
    "新しい図書館は、再来年の春に開館する予定となっている。",
]


@SEPS
def test_legal_sentence_in_a_japanese_story_is_flagged(sep: str, pipeline: Pipeline) -> None:
    assert codes(pipeline.analyze(segment(doc(sep.join(LIBRARY)))).findings) == []
    bare = f"{MEMBER_STATES}."
    for index in (2, 4):
        first, rest = LIBRARY[index].split("。", 1)
        lines = [*LIBRARY[:index], f"{first}。{bare}{rest}", *LIBRARY[index + 1 :]]
        text = sep.join(lines)
        (f,) = pipeline.analyze(segment(doc(text))).findings
        assert (f.code, text[f.start : f.end]) == ("HY203", bare)


@pytest.mark.parametrize("article", ["hospital", "ferry"])
def test_quoted_legal_wording_is_not_flagged_but_the_bare_sentence_is(
    article: str, pipeline: Pipeline
) -> None:
    quoted = f"“{MEMBER_STATES},” the commissioner said."
    text = "\n".join(inject(ARTICLES[article], 3, quoted))
    assert codes(pipeline.analyze(segment(doc(text))).findings) == []
    bare = f"{MEMBER_STATES}."
    text = "\n".join(inject(ARTICLES[article], 3, bare))
    (f,) = pipeline.analyze(segment(doc(text))).findings
    assert (f.code, text[f.start : f.end]) == ("HY203", bare)


def test_reported_speech_is_exempt_from_the_register_rule_only(
    onnx: CachedEmbedder, register: RegisterModel
) -> None:
    detector = TopicDetector(onnx, register)
    for text, exempt in ((f"“{MEMBER_STATES},” the commissioner said.", True),
                         (f"{MEMBER_STATES}.", False)):  # fmt: skip
        seg = seg_of("\n".join(inject(HOSPITAL, 3, text)))
        _, sentences = detector.scores(seg)
        (score,) = [s for s in sentences if seg.sentences[s.index].text == text]
        # Legal language either way; quoted, it counts as the document's own register.
        assert (score.row["legal"] == score.row["legal_background"]) == exempt
        assert (score.legal < detector.calibration.legal) == exempt


# --- HY201: off-topic paragraph ----------------------------------------------------------------

RECIPE = (
    "For the dressing, whisk three tablespoons of olive oil with the juice of half a lemon, a "
    "teaspoon of honey and a pinch of salt, then toss with the rocket and shaved parmesan just "
    "before serving."
)
FOOTBALL = (
    "Ridgeway Rovers beat Castleford United 3-1 on Saturday, with striker Jamal Okafor scoring "
    "twice in the second half to lift his side to third in the league table."
)


@SEPS
@pytest.mark.parametrize("pasted", [RECIPE, FOOTBALL], ids=["recipe", "football"])
def test_unrelated_paragraph_is_flagged_whole(pasted: str, sep: str, pipeline: Pipeline) -> None:
    text = sep.join([*WATER[:5], pasted, *WATER[5:]])
    findings = pipeline.analyze(segment(doc(text))).findings
    (f,) = [f for f in findings if f.code.startswith("HY2")]
    assert (f.code, f.category) == ("HY201", Category.OFFTOPIC)
    assert text[f.start : f.end] == pasted
    assert "paragraph about something else" in f.message
    assert codes(pipeline.analyze(segment(doc(sep.join(WATER)))).findings) == []


# --- another story's headline inside the body ---------------------------------------------------


def covered(text: str, part: str, findings: Sequence[Finding]) -> bool:
    start = text.index(part)
    return any(f.start <= start and start + len(part) <= f.end for f in findings)


@SEPS
@pytest.mark.parametrize(
    ("at", "other"),
    [(5, FERRY[:1]), (4, FERRY[:2]), (len(WATER), FERRY[:1]), (3, BAKERY[:1])],
    ids=["headline", "headline-and-lede", "headline-at-the-end", "other-headline"],
)
def test_another_storys_headline_in_the_body_is_flagged(
    at: int, other: list[str], sep: str, pipeline: Pipeline
) -> None:
    text = sep.join([*WATER[:at], *other, *WATER[at:]])
    findings = [f for f in pipeline.analyze(segment(doc(text))).findings if f.code != "HY202"]
    # The headline must be caught; another story's lede paragraph is the harder
    # paragraph case (held-out recall in the README), not asserted here.
    assert covered(text, other[0], findings)
    assert {f.code for f in findings} == {"HY201"}
    assert not any(covered(text, line, findings) for line in WATER)
    assert "to the rest of the document" in findings[0].message


# --- register model ----------------------------------------------------------------------------

REGISTER_EXAMPLES = [
    ("legal", "Member States shall lay down the rules on penalties applicable to infringements."),
    (
        "legal",
        "The competent authority may, by means of implementing acts, specify the format of the "
        "notification referred to in paragraph 2.",
    ),
    (
        "legal",
        "Food business operators shall ensure that the list of ingredients is printed in a font "
        "size of at least 1.2 mm.",
    ),
    ("promo", "Shop now and get free shipping on all orders over $50 this weekend only."),
    ("promo", "Subscribe today and save 40% on your first three months of unlimited streaming."),
    (
        "promo",
        "Book your table before Friday and enjoy a complimentary glass of prosecco with every "
        "main course.",
    ),
    ("news", "The mayor said on Tuesday that the new bridge would open to traffic in the spring."),
    (
        "news",
        "Firefighters spent six hours bringing the blaze at the timber yard under control, police "
        "said.",
    ),
    (
        "news",
        "Ticket sales at the county fair fell by a third this year as heavy rain kept visitors "
        "away.",
    ),
]


def register_proba(model: RegisterModel, onnx: CachedEmbedder) -> npt.NDArray[np.float64]:
    texts = [t for _, t in REGISTER_EXAMPLES]
    return model.predict_proba(texts, onnx.embed(texts))


def test_register_model_classifies_sentences(register: RegisterModel, onnx: CachedEmbedder) -> None:
    proba = register_proba(register, onnx)
    assert proba.shape == (len(REGISTER_EXAMPLES), 3)
    assert np.allclose(proba.sum(axis=1), 1.0)
    predicted = [register.classes_[i] for i in proba.argmax(axis=1)]
    assert predicted == [label for label, _ in REGISTER_EXAMPLES]


def test_register_model_save_load_round_trip(
    register: RegisterModel, onnx: CachedEmbedder, tmp_path: Path
) -> None:
    path = tmp_path / "register.json"
    register.save(path)
    loaded = RegisterModel.load(path)
    assert loaded.classes_ == register.classes_
    assert loaded.meta == register.meta
    assert np.array_equal(register_proba(loaded, onnx), register_proba(register, onnx))


def test_register_model_refuses_another_format(register: RegisterModel, tmp_path: Path) -> None:
    path = tmp_path / "register.json"
    register.save(path)
    data = json.loads(path.read_text("utf-8"))
    data["format"] = "hygiene-register/1"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ModelError, match="hygiene-register/2"):
        RegisterModel.load(path)
    with pytest.raises(RuntimeError, match="not fitted"):
        RegisterModel().predict_proba(["x"], np.zeros((1, DIM)))


# --- learned line model ------------------------------------------------------------------------

NAV = ["World", "Business", "Politics", "Sport", "Science", "Health", "Culture", "Opinion"]
NAV += ["Travel", "Local"]
PAGE = [*NAV, *SUBHEADED]


def test_line_model_flags_a_navigation_menu_and_not_the_article_below() -> None:
    found = FurnitureDetector(embedder=LazyEmbedder("onnx")).detect(seg_of("\n".join(PAGE)))
    assert found and {f.line for f in found} <= set(range(1, len(NAV) + 1))
    assert {f.code for f in found} == {"HY108"}


def test_line_model_and_topic_detector_share_the_vectors(register: RegisterModel) -> None:
    counting = CountingEmbedder()
    shared = CachedEmbedder(counting)
    topic = TopicDetector(embedder=shared, register=register)
    seg = seg_of("\n".join([*NAV, *inject(HOSPITAL, 3, LEGAL_INCIDENT)]))
    for detector in (FurnitureDetector(embedder=shared), topic):
        detector.detect(seg)
    assert LEGAL_INCIDENT in counting.seen
    assert max(Counter(counting.seen).values()) == 1  # the topic detector's are cache hits


# --- pipeline: which detectors run, vectors computed once --------------------------------------


def test_embedder_none_has_no_topic_detector() -> None:
    assert not any(isinstance(d, TopicDetector) for d in default_detectors("none"))
    assert [type(d) for d in default_detectors("onnx")].count(TopicDetector) == 1
    emitted = {code for d in default_detectors("none") for code in d.codes}
    assert "HY202" in emitted and not emitted & {"HY201", "HY203"}


@pytest.mark.parametrize(
    ("include", "exclude", "topic"),
    [
        (("HY1",), (), False),
        # The topic detector also finds another story glued after the story (HY202).
        ((), ("HY201", "HY203"), True),
        ((), ("HY201", "HY202", "HY203"), False),
        ((), ("HY2",), False),
        (("HY301",), (), False),
        (("HY203",), (), True),
        ((), ("HY202",), True),
    ],
)
def test_pipeline_drops_detectors_whose_rules_are_all_deselected(
    include: tuple[str, ...], exclude: tuple[str, ...], topic: bool
) -> None:
    every = default_detectors("onnx")
    kept = Pipeline(every, include, exclude).detectors
    assert any(isinstance(d, TopicDetector) for d in kept) == topic
    for d in every:
        wanted = any(selected(code, include, exclude) for code in d.codes)
        assert (d in kept) == wanted, d.name


class CountingEmbedder:
    """Deterministic pseudo-random unit vectors; records every text it is asked for."""

    name = "counting"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.seen += texts
        rows = []
        for t in texts:
            seed = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
            v = np.random.default_rng(seed).standard_normal(DIM)
            rows.append(v / np.linalg.norm(v))
        return np.array(rows, dtype=np.float32).reshape(len(texts), DIM)


def test_topic_detector_embeds_each_sentence_once_per_document(register: RegisterModel) -> None:
    counting = CountingEmbedder()
    topic = TopicDetector(embedder=counting, register=register)
    text = "\n".join([*inject(HOSPITAL, 3, LEGAL_INCIDENT), *TAILS["more-from"]])
    seg = seg_of(text)
    for detector in (FurnitureDetector(), RelatedTailDetector(), topic, topic):
        detector.detect(seg)
    assert LEGAL_INCIDENT in counting.seen
    assert max(Counter(counting.seen).values()) == 1
    assert set(counting.seen) <= {s.text for s in seg.sentences}
    # A new document is embedded afresh, once.
    Pipeline([topic]).analyze(segment(doc(text)))
    assert max(Counter(counting.seen).values()) == 2


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_embedder_none_skips_hy201_and_hy203(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "water.txt").write_text("\n".join([*WATER[:5], RECIPE, *WATER[5:]]), "utf-8")
    (tmp_path / "hospital.txt").write_text("\n".join(inject(HOSPITAL, 3, PROMO)), "utf-8")
    assert main(["check", str(tmp_path)]) == 1
    found = {line.split()[1] for line in capsys.readouterr().out.splitlines()}
    assert found == {"HY201", "HY203"}
    assert main(["check", "--embedder", "none", str(tmp_path)]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("code", ["HY202", "HY203"])
def test_cli_rule_explains_offtopic_rules(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rule", code.lower()]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{code} ({RULES[code].name})\n")
    assert "Category: offtopic" in out
    assert RULES[code].explanation in out


# --- HY106: a comment thread -------------------------------------------------------------------

THREAD = [
    "Comments (2)",
    "Posted by: Dana Reyes | Jan 13, 2008 9:21:52 AM",
    "About time the city fixed the water. Ours has been brown for two summers now.",
    "Posted by: riverfan | Jan 13, 2008 10:02:13 AM",
    "Six dollars a month is a lot for some of us on River Road, and nobody asked.",
]


@SEPS
def test_a_comments_link_above_the_story_does_not_start_the_thread(sep: str) -> None:
    # The link to the comments sits under the headline; the thread is the block below.
    page = [*WATER[:3], "Comments", *WATER[3:], *THREAD]
    text = sep.join(page)
    found = [f for f in RelatedTailDetector().detect(seg_of(text)) if f.code == "HY106"]
    assert [text[f.start : f.end] for f in found] == [sep.join(THREAD)]


@SEPS
def test_a_dateline_above_the_story_is_no_one_signature_thread(sep: str) -> None:
    # A publication time shaped like a signature, under a "join the conversation" link
    # below the lede: the "thread" would be the rest of the story, so there is none.
    dateline = "Mar 27, 2017 at 1:57 pm | Print View"
    page = [*WATER[:3], "Join the conversation", dateline, *WATER[3:]]
    text = sep.join(page)
    found = [f for f in RelatedTailDetector().detect(seg_of(text)) if f.code == "HY106"]
    # Only the two lines themselves may be flagged, never the story after them.
    assert all(f.end - f.start < len(WATER[1]) for f in found)
    # One signature after the story still opens a thread of its comment.
    comment = THREAD[:3]
    text = sep.join([*WATER, *comment])
    found = [f for f in RelatedTailDetector().detect(seg_of(text)) if f.code == "HY106"]
    assert [text[f.start : f.end] for f in found] == [sep.join(comment)]


# --- HY202: another story glued after the story, no header --------------------------------------

WILDFIRE = [
    "Wildfire forces evacuation of mountain villages",
    "Firefighters battled a fast-moving wildfire in the hills above Santa Rosa on Tuesday as "
    "strong winds pushed flames toward several small villages.",
    "About 2,000 residents were ordered to leave their homes, and two schools were turned into "
    "evacuation centres.",
    "The fire had burned more than 4,000 hectares by the afternoon and was 10 percent "
    "contained, the state fire service said.",
]


@SEPS
@pytest.mark.parametrize("article", ["water", "bakery"])
def test_another_story_glued_after_the_story_is_one_region(
    article: str, sep: str, pipeline: Pipeline
) -> None:
    story = sep.join(ARTICLES[article])
    text = story + sep + sep.join(WILDFIRE)
    found = [f for f in pipeline.analyze(segment(doc(text))).findings if f.code.startswith("HY2")]
    assert [(f.code, text[f.start : f.end]) for f in found] == [("HY202", sep.join(WILDFIRE))]
    assert "another story glued after the story" in found[0].message


@SEPS
def test_a_subheading_inside_one_story_does_not_split_it(sep: str, pipeline: Pipeline) -> None:
    text = sep.join([*WATER[:5], "Who pays for the new plant", *WATER[5:]])
    assert codes(pipeline.analyze(segment(doc(text))).findings) == []
