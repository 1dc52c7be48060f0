"""Numbers a user passes as arguments: out-of-range ones refused by name, never a raw
OverflowError from float() deep inside, never a tolerance that silently decides."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
from autograd import Value

HUGE = 10**400  # an int float64 cannot hold


@pytest.mark.parametrize("build", [
    lambda: Value(1.0, label="x") ** HUGE,
    lambda: HUGE ** Value(1.0, label="x"),
    lambda: (-HUGE) ** Value(1.0, label="x"),
], ids=["exponent", "base", "negative base"])
def test_a_huge_integer_in_a_power_is_refused_by_its_size(build) -> None:
    with pytest.raises(OverflowError, match=r"pow: the (exponent|base), .*integer of about "
                                            r"401 digits, is too large .* \(label 'x'\)"):
        build()


@pytest.mark.parametrize(("call", "name"), [
    (lambda: Value(1.0).leaky_relu(HUGE), "leaky_relu: slope"),
    (lambda: Value(1.0).elu(HUGE), "elu: alpha"),
    (lambda: Value(1.0).celu(HUGE), "celu: alpha"),
    (lambda: autograd.hardtanh(Value(1.0), -HUGE, 1.0), "hardtanh: min_val"),
])
def test_a_huge_integer_parameter_is_refused_by_name(call, name: str) -> None:
    with pytest.raises(TypeError, match=f"{name} must be a finite real number, got an? "
                                        "(negative )?integer of about 401 digits"):
        call()


def _tools():
    x = Value(2.0, label="x")
    y = x * x * x
    return {
        "check": lambda **kw: autograd.check(y, {x: 12.0}, **kw),
        "gradcheck": lambda **kw: autograd.gradcheck(lambda a: a * a * a, [Value(2.0)], **kw),
        "gradgradcheck": lambda **kw: autograd.gradgradcheck(lambda a: a * a * a, [Value(2.0)], **kw),
        "locate": lambda **kw: autograd.locate(y, **kw),
    }


@pytest.mark.parametrize("tool", ["check", "gradcheck", "gradgradcheck", "locate"])
@pytest.mark.parametrize(("kw", "why"), [
    ({"eps": HUGE}, "eps must be a positive finite number, got an integer of about 401 digits"),
    ({"eps": 0.0}, "eps must be a positive finite number, got 0.0"),
    ({"eps": -1e-6}, "eps must be a positive finite number"),
    ({"eps": True}, "eps must be a positive finite number, got True"),
    ({"atol": HUGE}, "atol must be a finite number >= 0, got an integer of about 401 digits"),
    ({"atol": -1.0}, "atol must be a finite number >= 0, got -1.0"),
    ({"atol": math.nan}, "atol must be a finite number >= 0, got nan"),
    ({"rtol": math.inf}, "rtol must be a finite number >= 0, got inf"),
    ({"rtol": "0.1"}, "rtol must be a finite number >= 0, got '0.1'"),
], ids=str)
def test_a_step_or_tolerance_out_of_range_is_refused(tool: str, kw: dict, why: str) -> None:
    """A nan or negative tolerance failed every row, an infinite one passed every row
    (a wrong derivative reported as correct); "0.1" raised a TypeError from deep inside."""
    with pytest.raises(ValueError, match=f"^{tool}: " + why.replace("(", r"\(").replace(")", r"\)")):
        _tools()[tool](**kw)


@pytest.mark.parametrize("tool", ["check", "gradcheck", "gradgradcheck", "locate"])
def test_numpy_numbers_and_zero_tolerances_are_accepted(tool: str) -> None:
    assert _tools()[tool](atol=np.float64(1e-4), rtol=0).ok


def test_check_needs_a_mapping_of_derivatives() -> None:
    x = Value(2.0, label="x")
    with pytest.raises(TypeError, match=r"check: expected must map nodes .* got int"):
        autograd.check(x * x, 4)  # type: ignore[arg-type]


@pytest.mark.parametrize("loss", ["mse", "binary_cross_entropy_with_logits", "hinge"])
def test_a_huge_integer_target_is_refused_by_the_loss(loss: str) -> None:
    from autograd import losses

    with pytest.raises(OverflowError, match=f"^{loss}: the target: an integer of about 401 digits"):
        getattr(losses, loss)(Value(1.0), HUGE)


@pytest.mark.parametrize("target", [HUGE, "x" * 10_000])
def test_a_bad_class_target_is_named_briefly(target) -> None:
    from autograd.losses import cross_entropy

    with pytest.raises(ValueError, match=r"^cross_entropy: targets must be class indices") as err:
        cross_entropy([Value(1.0), Value(2.0)], target)
    assert len(str(err.value)) < 160
