"""tsrnn.data.scaler: the standard scaler fitted on the training span."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tsrnn.base.errors import DataError
from tsrnn.data.scaler import Scaler


def test_scaler_standardises_and_inverts():
    values = np.array([[1.0, 5.0, 2.0], [3.0, 5.0, 4.0], [5.0, 5.0, 9.0]], dtype=np.float32)
    sc = Scaler().fit(values)
    np.testing.assert_allclose(sc.mean_, values.mean(axis=0))
    np.testing.assert_allclose(
        sc.scale_, [values[:, 0].std(), 1.0, values[:, 2].std()], rtol=1e-6
    )  # constant -> 1
    z = sc.transform(values)
    assert z.dtype == np.float32
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(z[:, 1], 0.0)
    np.testing.assert_allclose(sc.inverse_transform(z), values, rtol=1e-6)
    # a column subset: the targets' statistics only
    np.testing.assert_allclose(
        sc.inverse_transform(z[:, [2, 0]], columns=[2, 0]), values[:, [2, 0]], rtol=1e-6
    )
    back = Scaler.from_dict(json.loads(json.dumps(sc.to_dict())))
    np.testing.assert_array_equal(back.mean_, sc.mean_)
    np.testing.assert_array_equal(back.scale_, sc.scale_)


def test_unfitted_scaler():
    with pytest.raises(DataError, match=r"this Scaler is not fitted yet; call 'fit' first"):
        Scaler().transform(np.zeros((2, 2)))
