//! Finding the texts that answer a lead's message (BM25): FAQ entries in
//! every language the owner wrote them, and the owner's earlier replies.

use std::collections::HashSet;

use bm25::{DefaultTokenizer, Language, SearchEngine, SearchEngineBuilder, Tokenizer};

use crate::language::Lang;

fn bm25_language(lang: Lang) -> Language {
    match lang {
        Lang::En => Language::English,
        Lang::Es => Language::Spanish,
        Lang::Pt => Language::Portuguese,
    }
}

#[derive(Debug)]
pub(crate) struct Index {
    engine: Option<SearchEngine<u32>>,
}

impl Index {
    /// Indexes `documents`, stemmed and with stop words as `lang` has them.
    pub fn new(documents: Vec<String>, lang: Lang) -> Index {
        if documents.is_empty() {
            return Index { engine: None };
        }
        let engine =
            SearchEngineBuilder::<u32>::with_corpus(bm25_language(lang), documents).build();
        Index {
            engine: Some(engine),
        }
    }

    /// The documents that answer `query` with at least `min_score`, best
    /// first, with their scores.
    pub fn best(&self, query: &str, limit: usize, min_score: f32) -> Vec<(usize, f32)> {
        let Some(engine) = &self.engine else {
            return Vec::new();
        };
        engine
            .search(query, limit)
            .into_iter()
            .filter(|r| r.score >= min_score)
            .map(|r| (r.document.id as usize, r.score))
            .collect()
    }
}

/// Greetings and thanks: they say nothing about what is asked.
const SOCIAL_WORDS: &[&str] = &[
    "hi", "hello", "hey", "thanks", "thank", "please", "hola", "buenas", "gracias", "olá", "ola",
    "oi", "obrigado", "obrigada",
];

/// The documents that share most of the query's words (stemmed, without
/// stop words), best first, with the share of the query's words they hold.
/// Unlike BM25, this does not need many documents to tell a match: the
/// owner may have answered only a handful of messages.
pub(crate) fn closest(
    query: &str,
    documents: &[&str],
    lang: Lang,
    min_share: f32,
) -> Vec<(usize, f32)> {
    let words = content_words(lang);
    let asked = words(query);
    if asked.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<(usize, f32)> = documents
        .iter()
        .enumerate()
        .filter_map(|(index, document)| {
            let shared = words(document).intersection(&asked).count();
            #[allow(clippy::cast_precision_loss)] // Word counts are small.
            let share = shared as f32 / asked.len() as f32;
            (shared >= asked.len().min(2) && share >= min_share).then_some((index, share))
        })
        .collect();
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
    found
}

/// The share of the query's words (stemmed, without stop words) that
/// `document` holds.
pub(crate) fn word_share(query: &str, document: &str, lang: Lang) -> f32 {
    let words = content_words(lang);
    let asked = words(query);
    let shared = words(document).intersection(&asked).count();
    #[allow(clippy::cast_precision_loss)] // Word counts are small.
    let share = shared as f32 / asked.len().max(1) as f32;
    share
}

/// A text's words as `lang` stems them, without stop words, greetings and thanks.
fn content_words(lang: Lang) -> impl Fn(&str) -> HashSet<String> {
    let tokenizer = DefaultTokenizer::builder()
        .language_mode(bm25_language(lang))
        .build();
    move |text: &str| -> HashSet<String> {
        let lower = text.to_lowercase();
        let content: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !SOCIAL_WORDS.contains(w))
            .collect();
        tokenizer.tokenize(&content.join(" ")).into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Below this BM25 score a match is weak.
    const MIN_SCORE: f32 = 1.0;

    fn faq() -> Vec<String> {
        [
            "Do you take card payments? Yes, cards and cash.",
            "Is there parking nearby? A public car park two minutes away.",
            "¿Aceptáis pago con tarjeta? Sí, tarjeta y efectivo.",
            "Aceitam cartão? Sim, cartão e dinheiro.",
        ]
        .map(String::from)
        .to_vec()
    }

    fn first(index: &Index, query: &str) -> Option<usize> {
        index.best(query, 1, MIN_SCORE).first().map(|(i, _)| *i)
    }

    #[test]
    fn the_relevant_entry_ranks_first() {
        let index = Index::new(faq(), Lang::En);
        assert_eq!(first(&index, "can I pay by card?"), Some(0));
        assert_eq!(first(&index, "where can I park my car"), Some(1));
        let spanish = Index::new(faq(), Lang::Es);
        assert_eq!(first(&spanish, "¿puedo pagar con tarjeta?"), Some(2));
        let portuguese = Index::new(faq(), Lang::Pt);
        assert_eq!(first(&portuguese, "posso pagar com cartão?"), Some(3));
    }

    #[test]
    fn a_handful_of_documents_is_enough_to_find_the_closest() {
        let replies = ["Do you do gift vouchers?", "Where do I park?"];
        assert_eq!(
            closest("Hi, do you sell gift vouchers?", &replies, Lang::En, 0.5),
            vec![(0, 2.0 / 3.0)]
        );
        assert!(closest("What time is it?", &replies, Lang::En, 0.5).is_empty());
    }

    #[test]
    fn unrelated_questions_match_nothing() {
        assert!(
            Index::new(faq(), Lang::En)
                .best("purple elephants", 3, MIN_SCORE)
                .is_empty()
        );
        assert!(
            Index::new(Vec::new(), Lang::En)
                .best("card", 3, MIN_SCORE)
                .is_empty()
        );
    }
}
