//! Keyword stems per enquiry in English, Spanish and Portuguese.

use super::Enquiry;

/// Keyword stems per enquiry, most important first: an unhappy customer
/// asking for a refund is not a price enquiry, and a lead moving a session
/// is not booking a new one. A stem of three letters or fewer must be a
/// whole word; a stem with a space is matched as a phrase.
#[rustfmt::skip]
pub(super) const RULES: &[(Enquiry, &[&str])] = &[
    (Enquiry::Complaint, &[
        "complain", "refund", "terrible", "awful", "disappoint", "unhappy", "rude", "ruined",
        "worst", "not happy", "queja", "reclam", "devoluci", "fatal", "horrible", "decepcion",
        "mal servicio", "molest", "peor", "reclama", "reembolso", "péssim", "pessim", "decepcion",
        "insatisfeit",
    ]),
    (Enquiry::Reschedule, &[
        "reschedul", "move my", "move the", "move our", "change my appointment", "change the date",
        "change my booking", "another day", "postpone", "cancel", "cambiar la cita",
        "cambiar la fecha", "cambiar la sesión", "cambiar mi", "mover la", "aplazar", "otro día",
        "anular", "remarcar", "mudar a", "mudar o", "alterar a", "adiar", "outro dia", "desmarcar",
        "cancelar",
    ]),
    (Enquiry::Budget, &[
        "budget", "discount", "cheaper", "best price", "negotia", "can you do it for",
        "lower price", "deal", "presupuesto", "descuento", "más barato", "mas barato", "rebaja",
        "orçamento", "orcamento", "desconto", "mais barato", "mais em conta", "instead of",
        "would you do", "would you accept", "en lugar de", "en vez de", "em vez de",
    ]),
    (Enquiry::Price, &[
        "price", "cost", "how much", "rate", "fee", "charge", "precio", "cuesta", "cuánto",
        "cuanto", "tarifa", "cobr", "quanto", "custa", "preço", "preco", "valor",
    ]),
    (Enquiry::Duration, &[
        "how long", "duration", "cuánto dura", "cuanto dura", "cuánto tiempo", "duración",
        "quanto tempo", "duração", "duracao", "quanto dura",
    ]),
    (Enquiry::Booking, &[
        "book", "appointment", "available", "availability", "reserve", "schedule", "slot",
        "free on", "any space", "space on", "cita", "reserv", "disponib", "hueco", "agendar",
        "turno", "marcar", "marcação", "marcacao", "vaga", "agenda", "arrange", "visit", "come by",
        "ver el", "ver la", "pasar por",
    ]),
    (Enquiry::Hours, &[
        "open", "close", "hours", "opening", "horario", "abr", "cierr", "horário", "abre", "abrem",
        "fecha", "fecham",
    ]),
    (Enquiry::Location, &[
        "where", "address", "located", "location", "directions", "parking", "dónde", "donde",
        "dirección", "direccion", "ubica", "aparca", "onde", "morada", "endereço", "endereco",
        "estacion",
    ]),
    (Enquiry::Services, &[
        "do you", "hacéis", "haceis", "tenéis", "teneis", "vendéis", "vocês", "voces",
        "service", "do you do", "do you offer", "offer", "treatment", "servicio", "ofrec", "hacéis",
        "haceis", "tratamiento", "serviço", "servico", "fazem", "oferecem", "what do you",
        "qué hacéis", "que servicios",
    ]),
    (Enquiry::Compliment, &[
        "amazing", "love your", "love the", "beautiful", "gorgeous", "stunning", "great work",
        "incredible", "awesome work", "so good", "lovely", "😍", "❤", "🔥", "preciosa", "precioso",
        "increíble", "increible", "me encanta", "qué bonit", "que bonit", "maravill", "lind",
        "adoro", "adorei", "maravilh", "incrível", "incrivel", "espectacular", "espetacular",
        "qué pasada",
    ]),
    (Enquiry::Thanks, &[
        "thanks", "thank you", "thx", "cheers", "ty", "gracias", "obrigad", "perfect", "great",
        "ok", "okay", "vale", "perfecto", "genial", "de acuerdo", "combinado", "beleza", "ótimo",
        "otimo", "perfeito", "got it", "sounds good", "entendido", "👍", "🙏",
    ]),
    (Enquiry::Greeting, &[
        "hello", "hi", "hey", "good morning", "good afternoon", "hola", "buenos días",
        "buenos dias", "buenas", "olá", "ola", "oi", "bom dia", "boa tarde", "boa noite",
    ]),
];
