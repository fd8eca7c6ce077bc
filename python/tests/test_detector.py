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


def test_per_feature_scores_sum_to_the_score_and_point_at_the_odd_cell(iris):
    detector = AutoencoderDetector(network="2", scale="zscore", optimizer="adam", learning_rate=0.01, epochs=60,
                                   random_state=0).fit(iris)
    odd = iris.head(5).copy()
    odd.loc[2, "Petal.Length"] = 40.0  # ten times the largest petal
    shares = detector.decision_function_per_feature(odd)
    assert list(shares.columns) == list(iris.columns) and list(shares.index) == list(odd.index)
    np.testing.assert_allclose(shares.sum(axis=1), detector.decision_function(odd), rtol=1e-5)
    assert shares.loc[2].idxmax() == "Petal.Length"


def test_the_librarys_other_threshold_rules(planted):
    x, _ = planted
    scores = AutoencoderDetector(network="2", epochs=10, random_state=0).fit(x).decision_scores_.astype(np.float64)
    mad = AutoencoderDetector(network="2", epochs=10, random_state=0, threshold="mad:3").fit(x)
    median = np.median(scores)
    assert mad.threshold_ == pytest.approx(median + 3 * 1.4826 * np.median(np.abs(scores - median)), rel=1e-4)
    assert AutoencoderDetector(network="2", epochs=1, threshold=0.5).fit(x).threshold_ == 0.5
    with pytest.raises(ValueError, match="threshold"):
        AutoencoderDetector(network="2", epochs=1, threshold="median").fit(x)
