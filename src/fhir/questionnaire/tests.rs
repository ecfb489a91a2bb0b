use super::*;
use crate::Registry;
use crate::instrument::parse_definition;

/// The example PHQ-2 definition, edited: an id with `_`, item 2 reverse scored and without
/// its LOINC code, no panel code, verbatim wording for item 1.
fn edited_phq2() -> Instrument {
    let text = include_str!("../../../examples/screen2.json")
        .replace("\"id\": \"phq2\"", "\"id\": \"my_screen\"")
        .replace(
            "{ \"number\": 1, \"label\": \"little interest or pleasure in doing things\",",
            "{ \"number\": 1, \"label\": \"little interest or pleasure in doing things\", \"text\": \"Little interest?\",",
        )
        .replace(
            "\"label\": \"feeling down, depressed or hopeless\", \"loinc\": \"44255-8\"",
            "\"label\": \"feeling down, depressed or hopeless\", \"reverse\": true",
        )
        .replace("\"loinc\": { \"panel\": \"55757-9\", \"total\": \"55758-7\" },", "");
    parse_definition("edited.json", &text).expect("the edited example is a valid definition")
}

fn ordinal_values(item: &QuestionnaireItem) -> Vec<Option<u32>> {
    item.answer_option
        .iter()
        .map(|o| o.extension.first().map(|e| e.value_decimal))
        .collect()
}

#[test]
fn a_reverse_scored_item_carries_its_reversed_score_with_the_answer_value_as_code() {
    let q = questionnaire(&edited_phq2());
    let item2 = &q.item[1];
    let codes: Vec<&str> = item2
        .answer_option
        .iter()
        .map(|o| o.value_coding.code.as_str())
        .collect();
    assert_eq!(codes, ["0", "1", "2", "3"]);
    // 0..=3 reversed: min + max - value.
    assert_eq!(ordinal_values(item2), [Some(3), Some(2), Some(1), Some(0)]);
    assert_eq!(
        ordinal_values(&q.item[0]),
        [Some(0), Some(1), Some(2), Some(3)]
    );
}

#[test]
fn codes_appear_only_where_the_definition_has_them() {
    let q = questionnaire(&edited_phq2());
    assert!(q.code.is_empty());
    assert_eq!(q.item[0].code, [Coding::loinc("44250-9")]);
    assert!(q.item[1].code.is_empty());
    let json = serde_json::to_value(&q).unwrap();
    assert!(json.get("code").is_none());
    assert!(json["item"][1].get("code").is_none());
}

#[test]
fn ids_names_link_ids_and_wording_follow_the_definition() {
    let q = questionnaire(&edited_phq2());
    // FHIR ids allow no `_`; computable names start with a capital.
    assert_eq!(q.id, "my-screen");
    assert_eq!(q.name, "MY_SCREEN");
    assert_eq!(q.item[0].link_id, "my_screen_1");
    assert_eq!(q.item[0].text, "Little interest?");
    assert_eq!(q.item[1].text, "feeling down, depressed or hopeless");
    assert_eq!(q.item[0].prefix.as_deref(), Some("1"));
}

#[test]
fn unscored_items_are_optional_and_carry_no_score() {
    let registry = Registry::builtin();
    let q = questionnaire(registry.get("phq9").unwrap());
    assert_eq!(q.item.len(), 10);
    let difficulty = &q.item[9];
    assert_eq!(difficulty.link_id, "phq9_difficulty");
    assert_eq!(difficulty.code, [Coding::loinc("69722-7")]);
    assert_eq!(difficulty.required, None);
    assert_eq!(difficulty.prefix, None);
    assert_eq!(ordinal_values(difficulty), [None, None, None, None]);
    assert_eq!(
        difficulty.answer_option[3].value_coding.display.as_deref(),
        Some("Extremely difficult")
    );
    assert!(q.item[..9].iter().all(|i| i.required == Some(true)));
}

#[test]
fn the_json_reads_back_as_the_same_questionnaire() {
    let registry = Registry::builtin();
    for instrument in registry.iter() {
        let q = questionnaire(instrument);
        let json = serde_json::to_string(&q).unwrap();
        assert!(
            json.starts_with("{\"resourceType\":\"Questionnaire\","),
            "{json}"
        );
        let back: Questionnaire = serde_json::from_str(&json).unwrap();
        assert_eq!(back, q);
    }
}
