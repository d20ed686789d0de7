"""The FLAME pickle -> splatd rig converter, on synthetic official-style pickles."""

import pickle
import pickletools
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse

from splatd.flame import convert
from splatd.flame.pkl import UnsupportedPickle, load_flame_pickle
from splatd.flame.rig import RIG_FORMAT, load_rig
from splatd.flame.synthetic import make_synthetic_flame, write_flame_pickle

PYTHON_DIR = Path(__file__).resolve().parents[1]
CLI = PYTHON_DIR / "flame_to_npz.py"


@pytest.fixture(scope="module")
def model():
    return make_synthetic_flame(seed=3)


@pytest.fixture(scope="module")
def official_pkl(model, tmp_path_factory):
    path = tmp_path_factory.mktemp("pkl") / "generic_model.pkl"
    write_flame_pickle(model, path, layout="official")
    return path


def expected_rig(model, n_shape=300, n_expr=100):
    return {
        "v_template": model["v_template"].astype(np.float32),
        "faces": model["f"].astype(np.int32),
        "shapedirs": model["shapedirs"][:, :, :n_shape].astype(np.float32),
        "exprdirs": model["shapedirs"][:, :, 300:300 + n_expr].astype(np.float32),
        "posedirs": model["posedirs"].astype(np.float32),
        "J_regressor": model["J_regressor"].astype(np.float32),
        "lbs_weights": model["weights"].astype(np.float32),
        "parents": np.array([-1, 0, 1, 1, 1], dtype=np.int32),
    }


def assert_rig_equals(rig, expected):
    for key, value in expected.items():
        assert rig[key].dtype == value.dtype, key
        np.testing.assert_array_equal(rig[key], value, err_msg=key)


def test_synthetic_pickle_is_official_style(official_pkl):
    raw = official_pkl.read_bytes()
    globals_ = {arg for op, arg, _ in pickletools.genops(raw) if op.name == "GLOBAL"}
    assert "chumpy.ch Ch" in globals_
    assert "scipy.sparse.csc csc_matrix" in globals_
    assert "numpy.core.multiarray _reconstruct" in globals_
    with pytest.raises(Exception):  # needs encoding="latin1" (py2 byte strings) ...
        pickle.loads(raw)
    with pytest.raises(ImportError):  # ... and chumpy, which does not import on modern numpy
        pickle.loads(raw, encoding="latin1")
    d = load_flame_pickle(official_pkl)
    assert set(d) == {"v_template", "f", "shapedirs", "posedirs", "J_regressor", "weights", "kintree_table", "J",
                      "bs_style", "bs_type"}
    assert d["bs_style"] == "lbs" and d["bs_type"] == "lrotmin"
    assert int(np.asarray(d["kintree_table"])[0, 0]) == 2**32 - 1


def test_convert_official_layout(model, official_pkl, tmp_path):
    out = tmp_path / "rig.npz"
    sizes = convert.convert_file(official_pkl, out, log=lambda s: None)
    assert sizes == {"V": 398, "F": 792, "S": 300, "E": 100}
    rig = load_rig(out)
    assert bytes(rig["format"]).decode("ascii") == RIG_FORMAT
    assert rig["format"].dtype == np.uint8
    assert set(rig) == {"format", "v_template", "faces", "shapedirs", "exprdirs", "posedirs", "J_regressor",
                        "lbs_weights", "parents"}
    assert_rig_equals(rig, expected_rig(model))


def test_convert_reordering_layout(model, tmp_path):
    pkl = tmp_path / "reordered.pkl"
    write_flame_pickle(model, pkl, layout="reordering")
    d = load_flame_pickle(pkl)
    assert type(d["posedirs"]).__name__ == "transpose" and type(d["shapedirs"]).__name__ == "Concatenate"
    rig = convert.rig_from_flame_dict(d)
    exp = expected_rig(model)
    for key in exp:
        np.testing.assert_array_equal(rig[key].astype(exp[key].dtype), exp[key], err_msg=key)


def test_truncation(model, official_pkl, tmp_path):
    out = tmp_path / "rig.npz"
    sizes = convert.convert_file(official_pkl, out, n_shape=17, n_expr=9, compressed=True, log=lambda s: None)
    assert sizes == {"V": 398, "F": 792, "S": 17, "E": 9}
    assert_rig_equals(load_rig(out), expected_rig(model, 17, 9))
    d = load_flame_pickle(official_pkl)
    with pytest.raises(convert.ConversionError):
        convert.rig_from_flame_dict(d, n_shape=301)
    with pytest.raises(convert.ConversionError):
        convert.rig_from_flame_dict(d, n_expr=101)


def test_modern_pickle_with_plain_arrays(model, tmp_path):
    """A model someone re-saved without chumpy (numpy arrays, modern scipy csc) also converts."""
    d = dict(model)
    d["J_regressor"] = scipy.sparse.csc_matrix(model["J_regressor"])
    pkl = tmp_path / "resaved.pkl"
    with open(pkl, "wb") as f:
        pickle.dump(d, f, protocol=4)
    rig = convert.rig_from_flame_dict(load_flame_pickle(pkl), 300, 100)
    exp = expected_rig(model)
    for key in exp:
        np.testing.assert_array_equal(rig[key].astype(exp[key].dtype), exp[key], err_msg=key)


@pytest.mark.parametrize("dtype,root", [(np.uint32, 2**32 - 1), (np.int64, 2**32 - 1), (np.int32, -1), (np.uint64, 2**64 - 1)])
def test_kintree_to_parents(dtype, root):
    kt = np.array([[root, 0, 1, 1, 1], [0, 1, 2, 3, 4]], dtype=dtype)
    np.testing.assert_array_equal(convert.parents_from_kintree(kt), [-1, 0, 1, 1, 1])
    kt2 = np.array([[root, 10, 11, 11, 11], [10, 11, 12, 13, 14]], dtype=dtype)  # ids need not be 0..4
    np.testing.assert_array_equal(convert.parents_from_kintree(kt2), [-1, 0, 1, 1, 1])


def test_refuses_foreign_globals(tmp_path):
    pkl = tmp_path / "evil.pkl"
    pkl.write_bytes(b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00trueq\x00\x85q\x01Rq\x02.")
    with pytest.raises(UnsupportedPickle, match="os.system"):
        load_flame_pickle(pkl)


def test_missing_keys(tmp_path):
    pkl = tmp_path / "other.pkl"
    with open(pkl, "wb") as f:
        pickle.dump({"v_template": np.zeros((3, 3))}, f, protocol=2)
    with pytest.raises(convert.ConversionError, match="missing"):
        convert.rig_from_flame_dict(load_flame_pickle(pkl))


def test_cli(official_pkl, tmp_path):
    out = tmp_path / "cli-rig.npz"
    r = subprocess.run([sys.executable, str(CLI), str(official_pkl), "-o", str(out), "--shape", "50", "--expr", "20"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "V=398 F=792 S=50 E=20" in r.stdout
    assert load_rig(out)["shapedirs"].shape == (398, 3, 50)


def test_cli_importable(official_pkl, tmp_path, capsys):
    sys.path.insert(0, str(PYTHON_DIR))
    try:
        import flame_to_npz
    finally:
        sys.path.remove(str(PYTHON_DIR))
    assert flame_to_npz.main([str(official_pkl), "-o", str(tmp_path / "r.npz")]) == 0
    assert "V=398 F=792 S=300 E=100" in capsys.readouterr().out


# --------------------------------------------------------------------------------------------
# --teeth-from: failure messages, and the whole path against a stand-in checkout


def test_teeth_from_missing_dir(official_pkl, tmp_path):
    r = subprocess.run([sys.executable, str(CLI), str(official_pkl), "-o", str(tmp_path / "r.npz"),
                        "--teeth-from", str(tmp_path / "nowhere")], capture_output=True, text=True)
    assert r.returncode == 1
    assert "no such directory" in r.stderr and "GaussianAvatars" in r.stderr
    assert not (tmp_path / "r.npz").exists()


def test_teeth_from_wrong_dir(official_pkl, tmp_path):
    (tmp_path / "somerepo").mkdir()
    r = subprocess.run([sys.executable, str(CLI), str(official_pkl), "-o", str(tmp_path / "r.npz"),
                        "--teeth-from", str(tmp_path / "somerepo")], capture_output=True, text=True)
    assert r.returncode == 1
    assert "flame_model/flame.py" in r.stderr and "vhap/model/flame.py" in r.stderr


def _fake_repo(root: Path, source: str) -> Path:
    pkg = root / "flame_model"
    (pkg / "assets").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "flame.py").write_text(textwrap.dedent(source))
    np.save(pkg / "assets" / "marker.npy", np.array([120, 168]))
    return root


def test_teeth_from_without_flamehead(official_pkl, tmp_path):
    repo = _fake_repo(tmp_path / "repo", "X = 1\n")
    with pytest.raises(convert.TeethError, match="no FlameHead"):
        convert.convert_file(official_pkl, tmp_path / "r.npz", teeth_from=repo, log=lambda s: None)


def test_teeth_from_import_failure(official_pkl, tmp_path):
    repo = _fake_repo(tmp_path / "repo", "import torch_that_is_not_installed\n")
    with pytest.raises(convert.TeethError, match="environment"):
        convert.convert_file(official_pkl, tmp_path / "r.npz", teeth_from=repo, log=lambda s: None)


# A stand-in for a GaussianAvatars checkout: same interface (FlameHead(shape_params,
# expr_params, flame_model_path, add_teeth) loading the pkl with plain pickle, buffers in the
# smplx-style layout, posedirs (36, V*3)), numpy instead of torch, made-up teeth.
FAKE_FLAMEHEAD = """
import pickle
import numpy as np

COUNTS = np.load("flame_model/assets/marker.npy")   # relative path: needs cwd = repo root

class FlameHead:
    def __init__(self, shape_params, expr_params, flame_model_path="flame_model/assets/x.pkl",
                 include_mask=True, add_teeth=True):
        with open(flame_model_path, "rb") as f:
            m = pickle.load(f, encoding="latin1")
        sd = np.array(m["shapedirs"], dtype=np.float32)
        self.n_shape = shape_params
        self.v_template = np.array(m["v_template"], dtype=np.float32)
        self.shapedirs = np.concatenate([sd[:, :, :shape_params], sd[:, :, 300:300 + expr_params]], axis=2)
        pd = np.array(m["posedirs"], dtype=np.float32)
        self.posedirs = pd.reshape(-1, pd.shape[-1]).T
        self.J_regressor = np.array(m["J_regressor"].toarray(), dtype=np.float32)
        self.lbs_weights = np.array(m["weights"], dtype=np.float32)
        self.parents = np.array(m["kintree_table"][0]).astype(np.int64)
        self.faces = np.array(m["f"]).astype(np.int64)
        if add_teeth:
            self.add_teeth()

    def add_teeth(self):
        nv, nf = int(COUNTS[0]), int(COUNTS[1])
        V = self.v_template.shape[0]
        self.v_template = np.concatenate([self.v_template, self.v_template[:nv] * 0.5])
        self.shapedirs = np.concatenate([self.shapedirs, np.zeros((nv, 3, self.shapedirs.shape[2]), np.float32)])
        self.shapedirs[V:, :, :self.n_shape] = 0.25
        p = self.posedirs.reshape(36, V, 3)
        self.posedirs = np.concatenate([p, np.zeros((36, nv, 3), np.float32)], axis=1).reshape(36, -1)
        self.J_regressor = np.concatenate([self.J_regressor, np.zeros((5, nv), np.float32)], axis=1)
        w = np.zeros((nv, 5), np.float32)
        w[: nv // 2, 1] = 1
        w[nv // 2:, 2] = 1
        self.lbs_weights = np.concatenate([self.lbs_weights, w])
        rng = np.random.default_rng(0)
        self.faces = np.concatenate([self.faces, V + rng.integers(0, nv, size=(nf, 3))])
"""


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # scipy.sparse.csc, read by the stand-in's plain pickle
def test_teeth_from_stand_in_checkout(model, official_pkl, tmp_path, monkeypatch):
    repo = _fake_repo(tmp_path / "GaussianAvatars", FAKE_FLAMEHEAD)
    monkeypatch.chdir(tmp_path)
    logs = []
    out = tmp_path / "ga-rig.npz"
    sizes = convert.convert_file(official_pkl, out, n_shape=30, n_expr=10, teeth_from=repo, log=logs.append)
    assert sizes == {"V": 398 + 120, "F": 792 + 168, "S": 30, "E": 10}
    assert not any("warning: GaussianAvatars's" in s and "differs" in s for s in logs), logs
    assert "chumpy" not in sys.modules  # the stand-in chumpy modules are gone again
    rig = load_rig(out)
    base = expected_rig(model, 30, 10)
    for key in ("v_template", "shapedirs", "exprdirs", "posedirs", "lbs_weights"):
        np.testing.assert_array_equal(rig[key][:398], base[key], err_msg=key)
    np.testing.assert_array_equal(rig["faces"][:792], base["faces"])
    np.testing.assert_array_equal(rig["J_regressor"][:, :398], base["J_regressor"])
    assert not rig["posedirs"][398:].any() and not rig["exprdirs"][398:].any() and not rig["J_regressor"][:, 398:].any()
    np.testing.assert_array_equal(rig["shapedirs"][398:], 0.25)
    assert (rig["lbs_weights"][398:458, 1] == 1).all() and (rig["lbs_weights"][458:, 2] == 1).all()
    np.testing.assert_array_equal(rig["parents"], [-1, 0, 1, 1, 1])
