"""Values: the blob codec wrapper (around the C extension `datajoint_interop._blob`), key hashing, per-kind value codecs."""
