# Regenerates numpy-savez.npz and numpy-savez-compressed.npz (run from this folder).
import numpy as np

arrays = dict(
    f4=np.arange(6, dtype='<f4').reshape(2, 3) * 0.5 - 1,
    f8=np.array([1.0, -2.5, 1e300, 1 / 3], dtype='<f8'),
    i4=np.array([[-2147483648, -1], [0, 2147483647]], dtype='<i4'),
    i8=np.array([-(2**40), 0, 2**40], dtype='<i8'),
    u4=np.array([0, 4294967295], dtype='<u4'),
    u1=np.array([0, 1, 255], dtype='|u1'),
    i1=np.array([-128, 0, 127], dtype='|i1'),
    i2=np.array([-32768, 32767], dtype='<i2'),
    u2=np.array([0, 65535], dtype='<u2'),
    b1=np.array([True, False, True]),
    scalar=np.float64(3.5),
    empty=np.zeros((0, 3), dtype='<f4'),
    fortran=np.asfortranarray(np.arange(24, dtype='<i4').reshape(2, 3, 4)),
    ramp=(np.arange(1000, dtype='<f4') * 0.25).reshape(250, 4),
)
np.savez('numpy-savez.npz', **arrays)
np.savez_compressed('numpy-savez-compressed.npz', **arrays)
