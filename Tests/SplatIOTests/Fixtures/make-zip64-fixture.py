# Regenerates zip64.npz (run from this folder): a two-array npz whose central directory uses
# zip64 extra fields for sizes and offsets and whose end record defers to the zip64 end record
# (count 0xFFFF, size and offset 0xFFFFFFFF), as archives over 4 GiB do.
import io, struct, zipfile
import numpy as np

zipfile.ZIP64_LIMIT = 10          # force zip64 values for anything larger than 10 bytes
zipfile.ZIP_FILECOUNT_LIMIT = 1   # force the zip64 end-of-central-directory record
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w', compression=zipfile.ZIP_DEFLATED) as z:
    for key, a in dict(a=np.arange(5, dtype='<f4'), b=np.array([[1, 2], [3, 4]], dtype='<i8')).items():
        with z.open(key + '.npy', 'w', force_zip64=True) as f:
            np.lib.format.write_array(f, a)
data = bytearray(buf.getvalue())
eocd = data.rfind(b'PK\x05\x06')
struct.pack_into('<HHII', data, eocd + 8, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
open('zip64.npz', 'wb').write(data)
loaded = np.load('zip64.npz')
assert (loaded['a'] == np.arange(5)).all() and loaded['b'].tolist() == [[1, 2], [3, 4]]
