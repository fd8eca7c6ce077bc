"""hourglass.AutoencoderDetector: PyOD's interface, on planted outliers."""
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from hourglass import AutoencoderDetector


@pytest.fixture
def planted():
    """300 rows near a plane in 8 dimensions, the last 15 off it: label 1."""
    rng = np.random.default_rng(3)
    basis = rng.normal(size=(2, 8))
    normal = rng.normal(size=(285, 2)) @ basis + 0.05 * rng.normal(size=(285, 8))
    odd = rng.normal(size=(15, 8)) * 2
    x = np.vstack([normal, odd]).astype(np.float32)
    return x, np.r_[np.zeros(285), np.ones(15)]


def test_fit_sets_pyods_attributes_and_the_threshold_keeps_the_contamination(planted):
    x, truth = planted
    detector = AutoencoderDetector(network="2", optimizer="adam", learning_rate=0.01, epochs=100,
                                   contamination=0.05, random_state=0).fit(x)
    assert detector.decision_scores_.shape == (300,)
    assert detector.labels_.sum() == 15  # the 0.95 quantile: 5% of 300 rows above it
    assert set(np.unique(detector.labels_)) == {0, 1}
    assert detector.threshold_ == pytest.approx(np.quantile(detector.decision_scores_, 0.95), rel=1e-3)
    assert roc_auc_score(truth, detector.decision_scores_) > 0.95
    np.testing.assert_allclose(detector.decision_function(x), detector.decision_scores_, rtol=1e-6)
    np.testing.assert_array_equal(detector.predict(x), detector.labels_)
    np.testing.assert_array_equal(detector.fit_predict(x), detector.labels_)


def test_predict_proba_gives_each_labels_chance(planted):
    x, _ = planted
    detector = AutoencoderDetector(network="2", epochs=20, random_state=0).fit(x)
    for method in ("linear", "unify"):
        proba = detector.predict_proba(x, method=method)
        assert proba.shape == (300, 2)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        assert ((proba >= 0) & (proba <= 1)).all()
        ranks = np.argsort(detector.decision_scores_)
        assert proba[ranks[-1], 1] >= proba[ranks[0], 1]
    with pytest.raises(ValueError, match="method"):
        detector.predict_proba(x, method="softmax")


def test_a_contamination_out_of_range_is_refused(planted):
    x, _ = planted
    with pytest.raises(ValueError, match="contamination"):
        AutoencoderDetector(contamination=0.9, epochs=1).fit(x)
