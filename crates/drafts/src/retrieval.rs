//! Finding the FAQ entries that answer a lead's message (BM25 over question + answer).

use bm25::{Language, SearchEngine, SearchEngineBuilder};

use crate::language::Lang;
use crate::profile::FaqEntry;

/// Below this BM25 score a match is too weak to put in a reply.
const MIN_SCORE: f32 = 1.0;

#[derive(Debug)]
pub(crate) struct FaqIndex {
    engine: Option<SearchEngine<u32>>,
}

impl FaqIndex {
    pub fn new(entries: &[FaqEntry], lang: Lang) -> FaqIndex {
        if entries.is_empty() {
            return FaqIndex { engine: None };
        }
        let language = match lang {
            Lang::En => Language::English,
            Lang::Es => Language::Spanish,
        };
        let documents: Vec<String> = entries
            .iter()
            .map(|e| format!("{} {}", e.question, e.answer))
            .collect();
        let engine = SearchEngineBuilder::<u32>::with_corpus(language, documents).build();
        FaqIndex {
            engine: Some(engine),
        }
    }

    /// Indexes of the entries that answer `query`, best first.
    pub fn best(&self, query: &str, limit: usize) -> Vec<usize> {
        let Some(engine) = &self.engine else {
            return Vec::new();
        };
        engine
            .search(query, limit)
            .into_iter()
            .filter(|r| r.score >= MIN_SCORE)
            .map(|r| r.document.id as usize)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faq() -> Vec<FaqEntry> {
        vec![
            FaqEntry {
                question: "Do you take card payments?".into(),
                answer: "Yes, cards and cash.".into(),
            },
            FaqEntry {
                question: "Is there parking nearby?".into(),
                answer: "A public car park two minutes away.".into(),
            },
            FaqEntry {
                question: "¿Aceptáis pago con tarjeta?".into(),
                answer: "Sí, tarjeta y efectivo.".into(),
            },
        ]
    }

    #[test]
    fn the_relevant_entry_ranks_first() {
        let index = FaqIndex::new(&faq(), Lang::En);
        assert_eq!(index.best("can I pay by card?", 1), vec![0]);
        assert_eq!(index.best("where can I park my car", 1), vec![1]);
        let spanish = FaqIndex::new(&faq(), Lang::Es);
        assert_eq!(spanish.best("¿puedo pagar con tarjeta?", 1), vec![2]);
    }

    #[test]
    fn unrelated_questions_match_nothing() {
        assert!(
            FaqIndex::new(&faq(), Lang::En)
                .best("purple elephants", 3)
                .is_empty()
        );
        assert!(FaqIndex::new(&[], Lang::En).best("card", 3).is_empty());
    }
}
