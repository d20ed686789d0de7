#!/usr/bin/env python3
"""Convert your own FLAME model pickle into a splatd FLAME rig file (splatd-flame-rig/1 npz).

    python3 clients/python/flame_to_npz.py ~/FLAME2023/flame2023.pkl -o flame2023-rig.npz
    python3 clients/python/flame_to_npz.py generic_model.pkl -o rig.npz --shape 100 --expr 50
    python3 clients/python/flame_to_npz.py flame2023.pkl -o ga-rig.npz --teeth-from ~/GaussianAvatars

Needs numpy only (scipy and chumpy are not needed). FLAME is registration-gated: never commit
or redistribute the input or the output. See docs/formats.md, "FLAME rig file".

Importable too: `from flame_to_npz import convert_file, main`.
"""

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

from splatd.flame.convert import (  # noqa: E402
    ConversionError,
    TeethError,
    build_parser,
    convert_file,
    main,
    rig_from_flame_dict,
)
from splatd.flame.pkl import UnsupportedPickle, load_flame_pickle  # noqa: E402

__all__ = ["convert_file", "main", "build_parser", "rig_from_flame_dict", "load_flame_pickle",
           "ConversionError", "TeethError", "UnsupportedPickle"]

if __name__ == "__main__":
    sys.exit(main())
