"""Customers' free text: in several languages, matching the score they gave.

The text is a pure function of the seed, the survey and the question, so it is
only ever built when a survey is rendered or a truth file written. It is made
to be awkward on purpose, like real answers: emoji, line breaks, double
quotes, commas, and now and then a leading `=`, `+`, `-` or `@` that a
spreadsheet would take for a formula.
"""

from __future__ import annotations

import random

from genesys_sim.generate.ids import rng_for

POSITIVE, NEUTRAL, NEGATIVE = "positive", "neutral", "negative"

_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        POSITIVE: (
            "Quick, friendly help!",
            "Sorted out in one call, thank you.",
            'The agent said "no problem at all" and fixed it right away.',
            "Clear, patient and polite, exactly what I needed.",
            "Great service, really appreciated it.",
            "Fast answer, no transfers, no fuss.",
        ),
        NEUTRAL: (
            "It was OK, took a bit longer than expected.",
            "Fine, but I had to explain my issue twice.",
            "The answer was correct, the wait was long.",
            "Average experience, nothing special.",
        ),
        NEGATIVE: (
            "Waited far too long, and the problem is still not solved.",
            'I was told "someone will call you back", nobody did.',
            "Transferred three times, had to repeat everything.",
            "Rude and unhelpful, I am thinking of cancelling.",
            "Nobody could tell me why my bill went up.",
        ),
    },
    "es": {
        POSITIVE: (
            "Muy amable y rápido, ¡gracias!",
            "Me resolvieron todo en una llamada.",
        ),
        NEUTRAL: ("Bien, pero tuve que esperar bastante.",),
        NEGATIVE: (
            "Esperé mucho y no me solucionaron nada.",
            'Me dijeron "le llamamos mañana", y nada.',
        ),
    },
    "fr": {
        POSITIVE: (
            "Conseillère très aimable, problème réglé !",
            "Rapide, efficace, merci beaucoup.",
        ),
        NEUTRAL: ("Correct, mais l'attente était longue.",),
        NEGATIVE: (
            "Trop d'attente, et toujours pas de solution.",
            "On m'a transféré trois fois, c'est pénible.",
        ),
    },
    "de": {
        POSITIVE: (
            "Sehr freundlich und schnell, danke!",
            "Problem sofort gelöst, super Service.",
        ),
        NEUTRAL: ("Ganz okay, aber die Wartezeit war lang.",),
        NEGATIVE: (
            "Viel zu lange gewartet, Problem nicht gelöst.",
            'Man sagte mir "wir rufen zurück", niemand rief an.',
        ),
    },
    "pt": {
        POSITIVE: (
            "Atendimento excelente, muito obrigado!",
            "Resolveram tudo rapidinho.",
        ),
        NEUTRAL: ("Foi ok, mas demorou um pouco.",),
        NEGATIVE: ("Esperei demais e não resolveram nada.",),
    },
    "ja": {
        POSITIVE: (
            "とても丁寧な対応でした。ありがとうございます。",
            "すぐに解決しました。",
        ),
        NEUTRAL: ("対応は普通でした。待ち時間が長かったです。",),
        NEGATIVE: ("長時間待たされ、問題は解決していません。",),
    },
}
_IMPROVE = {
    "en": (
        "Call back when you promise to.",
        "Shorter waits, please.",
        "Give agents the power to fix billing errors.",
        "Stop transferring me, just answer the question.",
    ),
    "es": ("Menos tiempo de espera, por favor.",),
    "fr": ("Moins d'attente, s'il vous plaît.",),
    "de": ("Kürzere Wartezeiten, bitte.",),
    "pt": ("Menos tempo de espera, por favor.",),
    "ja": ("待ち時間を短くしてください。",),
}
_WEBSITE = {
    POSITIVE: ("Easy to find everything, nice new layout.", "Search works well 👍"),
    NEUTRAL: ("The FAQ helped, the menu is confusing.",),
    NEGATIVE: (
        "Could not find the cancel button anywhere, very frustrating.",
        "The page kept timing out on my phone 😞",
    ),
}
_EMOJI = {
    POSITIVE: ("👍", "🙂", "🙏", "⭐⭐⭐⭐⭐", "🎉"),
    NEUTRAL: ("🤷", "😐"),
    NEGATIVE: ("😡", "😞", "👎"),
}
_FORMULA_LIKE = {
    POSITIVE: (
        "+1 to whoever answered, brilliant.",
        "=)) super helpful, thanks",
        "@support team you are great",
        "+++ excellent +++",
    ),
    NEUTRAL: ("-- it was fine --", "=AVERAGE service, honestly", "@team ok I guess"),
    NEGATIVE: (
        "-5 stars if I could",
        '=HYPERLINK("http://example.com") your site is broken',
        "@manager please call me back",
        "+ still waiting for my refund",
    ),
}


def sentiment_of(rating: int | None, top: int) -> str:
    """Positive for the top two values of a scale, negative for the bottom two."""
    if rating is None:
        return NEUTRAL
    if rating >= top - 1:
        return POSITIVE
    return NEGATIVE if rating <= 2 else NEUTRAL


def comment_text(
    seed: int, survey_id: str, kind: str, sentiment: str, lang: str
) -> str:
    """The answer to one free-text question ("comment", "improve", "nps", "web")."""
    rng = rng_for(seed, "comment", survey_id, kind)
    if kind == "web":
        return rng.choice(_WEBSITE[sentiment])
    if kind == "improve":
        return rng.choice(_IMPROVE[lang])
    if rng.random() < 0.05:
        return rng.choice(_FORMULA_LIKE[sentiment])
    return _compose(rng, _PHRASES[lang][sentiment], sentiment)


def _compose(rng: random.Random, phrases: tuple[str, ...], sentiment: str) -> str:
    text = rng.choice(phrases)
    if len(phrases) > 1 and rng.random() < 0.35:
        other = rng.choice([p for p in phrases if p != text])
        text += "\n" if rng.random() < 0.6 else " "
        text += other
    if rng.random() < 0.3:
        text += " " + rng.choice(_EMOJI[sentiment])
    return text
