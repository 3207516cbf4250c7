"""all-MiniLM-L6-v2 for real: unit vectors, and a question finds its paraphrase, not a line that
only shares its words."""

from __future__ import annotations

import numpy as np
import pytest

from minutes.embeddings import EmbedOptions, MiniLMEmbedder

pytestmark = pytest.mark.models


def test_a_paraphrase_is_closer_than_shared_words() -> None:
    embedder = MiniLMEmbedder(EmbedOptions(threads=2))
    passages = [
        "Priya: We agreed to bring on two more backend developers before the end of January.",
        "Tom: The printer on the third floor is out of toner again.",
        "Marco: Checkout latency is still around two seconds at the ninety-ninth percentile.",
        "Ana: The enterprise tier will be sold at forty euros per seat per month.",
    ]
    vectors = embedder.embed(passages)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    for question, expected, evidence in (
        ("When will we recruit new engineers?", 0, False),
        ("When will we hire more backend developers?", 0, True),
        ("How much does the enterprise plan cost?", 3, True),
        ("Is the checkout page slow?", 2, True),
    ):
        scores = vectors @ embedder.embed([question])[0]
        assert int(np.argmax(scores)) == expected, (question, scores)
        # The limit of this model, as docs/ask.md says: a paraphrase sharing no word (cosine 0.31)
        # ranks first but is under the evidence threshold set on QMSum's tune half.
        assert bool(scores[expected] >= embedder.min_similarity) is evidence, (question, scores)
    assert embedder.ref().name == "all-MiniLM-L6-v2" and len(embedder.ref().sha256) == 64
