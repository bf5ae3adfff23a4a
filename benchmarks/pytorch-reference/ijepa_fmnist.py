#!/usr/bin/env python3
"""PyTorch reference of jepa4j's Fashion-MNIST I-JEPA recipe.

Reproduces what `./jepa4j train --data fashion-mnist --epochs 10 --batch 256` does in the Java
code (examples/RunConfig.defaults(), ImageExperiment, TrainRun, Evaluation), so the linear-probe
accuracy of jepa4j can be compared with "a PyTorch implementation of the same recipe". Every
choice below names the Java class it mirrors. Random streams (init, shuffles, masks) use torch /
numpy generators, not Java's SplittableRandom, so runs are statistically (not bit-) identical.

Needs Debian's python3-torch (1.13) and numpy:  apt-get install -y python3-torch
Run:  /usr/bin/python3 ijepa_fmnist.py --epochs 10 --batch 256 --threads 1 --out runs/torch-ref
The defaults are jepa4j's recipe; --device cuda trains on a GPU (the probes stay on the CPU), and
--probe-device cuda runs the probes there too, and --warmup-frac, --n-targets, --t-scale, --c-scale
change the recipe's free settings for sweeps (sweep.sh).
"""
import argparse
import gzip
import math
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# ----------------------------------------------------------------------------------------------
# Data: image/data/FashionMnist.java, IdxReader.java, BatchLoader.java
# ----------------------------------------------------------------------------------------------
DATA_DIR = "/usr/share/datasets/fashion-mnist"  # FashionMnist.DEFAULT_DIR
MEAN, STD = 0.2860, 0.3530  # FashionMnist.DEFAULT_MEAN / DEFAULT_STD (training-set statistics)


def read_idx(path, magic):
    """IdxReader: big-endian header (magic, count[, rows, cols]) then uint8 data; gzip or plain."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":  # IdxReader detects gzip from the magic bytes
        raw = gzip.decompress(raw)
    got = struct.unpack(">i", raw[:4])[0]
    if got != magic:
        raise ValueError(f"{path}: wrong magic number {got}, expected {magic}")
    ndim = 3 if magic == 2051 else 1
    dims = struct.unpack(">" + "i" * ndim, raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: header says {dims} but {data.size} bytes follow")
    return data.reshape(dims)


def set_data_dir(path):
    global DATA_DIR
    DATA_DIR = path


def find(base):
    gz = os.path.join(DATA_DIR, base + ".gz")  # FashionMnist.find: base.gz first, else base
    return gz if os.path.isfile(gz) else os.path.join(DATA_DIR, base)


def load_split(train):
    """[N, 1, 28, 28] float32 images, normalised as (u / 255 - mean) / std, and int64 labels.

    FashionMnist.fill uses BatchArrays.normalisationTable: (float) ((u / 255.0 - mean) / std),
    computed in double, then cast to float (same here).
    """
    prefix = "train" if train else "t10k"
    img = read_idx(find(prefix + "-images-idx3-ubyte"), 2051)
    lbl = read_idx(find(prefix + "-labels-idx1-ubyte"), 2049)
    table = ((np.arange(256, dtype=np.float64) / 255.0 - MEAN) / STD).astype(np.float32)
    x = table[img][:, None, :, :]  # channels = 1, shape [1, H, W] per image
    return torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(lbl.astype(np.int64))


def epoch_permutation(seed, epoch, n):
    """BatchLoader.permutation: a fresh shuffle per epoch drawn from (seed, epoch) (Fisher-Yates
    on SplittableRandom in Java; numpy's generator here)."""
    return np.random.default_rng([seed, epoch, 0x5EED]).permutation(n)


# ----------------------------------------------------------------------------------------------
# Masks: image/mask/MultiBlockMaskCollator.java (jepa4j's collator, not I-JEPA's)
# ----------------------------------------------------------------------------------------------
def jround(x):
    """Java Math.round (half up), not Python's banker's rounding."""
    return int(math.floor(x + 0.5))


class MultiBlockMaskCollator:
    """Per batch one target size and one context size, shared by all images:
    scale s ~ U(smin, smax), aspect a ~ U(amin, amax) drawn independently; n = floor(gh*gw*s),
    h = round(sqrt(n a)), w = round(sqrt(n / a)) clamped to the grid. Per image: M target blocks
    with top-left corner uniform in [0, gh-h] x [0, gw-w] (inclusive), then a context block placed
    the same way minus every target token; < minKeep context tokens -> redraw the placement (20
    attempts per image, then redraw the batch's block sizes, 10 times, then fail). Context lists
    (and target unions) are cut to the batch minimum by a uniformly random subset, kept sorted.
    Defaults: 4 targets scale (0.15, 0.2) aspect (0.75, 1.5); context scale (0.85, 1.0) aspect 1;
    minKeep = 4 because ImageExperiment.masker uses 4 when tokens <= 64 (49 here), else 10;
    seed = run seed * 31 + 7 (ImageExperiment.masker); stream = the global batch number
    (BatchLoader.fill: masker.sample(n, epoch * batchesPerEpoch + k))."""

    def __init__(self, gh, gw, seed, n_targets=4, t_scale=(0.15, 0.2), t_aspect=(0.75, 1.5),
                 c_scale=(0.85, 1.0), c_aspect=(1.0, 1.0), min_keep=4, attempts=20, size_draws=10):
        self.gh, self.gw, self.seed = gh, gw, seed
        self.m = n_targets
        self.ts, self.ta, self.cs, self.ca = t_scale, t_aspect, c_scale, c_aspect
        self.min_keep, self.attempts, self.size_draws = min_keep, attempts, size_draws

    def _size(self, rng, scale, aspect):
        s = scale[0] + rng.random() * (scale[1] - scale[0])
        a = aspect[0] + rng.random() * (aspect[1] - aspect[0])
        n = int(math.floor(self.gh * self.gw * s))
        h = jround(math.sqrt(n * a))
        w = jround(math.sqrt(n / a))
        return max(1, min(self.gh, h)), max(1, min(self.gw, w))

    def _block(self, top, left, h, w):
        r = np.arange(top, top + h)[:, None]
        c = np.arange(left, left + w)[None, :]
        return (r * self.gw + c).reshape(-1)

    def sample(self, batch, stream):
        rng = np.random.default_rng([self.seed, stream])
        for _ in range(self.size_draws):
            th, tw = self._size(rng, self.ts, self.ta)
            ch, cw = self._size(rng, self.cs, self.ca)
            out = self._try(batch, th, tw, ch, cw, rng)
            if out is not None:
                return out
        raise RuntimeError("MultiBlockMaskCollator found no valid masks")

    def _try(self, batch, th, tw, ch, cw, rng):
        n = self.gh * self.gw
        targets = [[None] * batch for _ in range(self.m)]
        context = [None] * batch
        for b in range(batch):
            ok = False
            for _ in range(self.attempts):
                covered = np.zeros(n, dtype=bool)
                blocks = []
                for _m in range(self.m):
                    top = int(rng.integers(0, self.gh - th + 1))  # inclusive upper bound gh - th
                    left = int(rng.integers(0, self.gw - tw + 1))
                    blk = self._block(top, left, th, tw)
                    covered[blk] = True
                    blocks.append(blk)
                top = int(rng.integers(0, self.gh - ch + 1))
                left = int(rng.integers(0, self.gw - cw + 1))
                ctx = self._block(top, left, ch, cw)
                ctx = ctx[~covered[ctx]]  # no overlap with any target (allowOverlap = false)
                if ctx.size >= self.min_keep:
                    ok = True
                    context[b] = ctx
                    for m in range(self.m):
                        targets[m][b] = blocks[m]
                    break
            if not ok:
                return None
        kc = min(c.size for c in context)
        ctx = np.stack([np.sort(rng.choice(c, kc, replace=False)) if c.size > kc else c for c in context])
        tgt = np.stack([np.stack(t) for t in targets])  # [M, B, Kt], every block th*tw tokens
        return torch.from_numpy(ctx.astype(np.int64)), torch.from_numpy(tgt.astype(np.int64))


# ----------------------------------------------------------------------------------------------
# Model: core/model/VisionTransformer.java, Predictor.java, core/nn/*
# ----------------------------------------------------------------------------------------------
LN_EPS = 1e-6  # VitConfig presets (timm): LayerNorm eps 1e-6, encoder and predictor alike


def trunc_normal_(t, std):
    """Init.truncNormal(std): N(0, std) resampled outside [-2 std, 2 std] (truncation relative to
    std, unlike timm's absolute [-2, 2])."""
    return nn.init.trunc_normal_(t, mean=0.0, std=std, a=-2.0 * std, b=2.0 * std)


def sincos_1d(d, pos):
    """PosEmbed.put1d: [sin(p w_0..w_{d/2-1}) | cos(p w_0..)], w_k = 10000^(-k / (d/2)); in double."""
    half = d // 2
    omega = 1.0 / 10000.0 ** (np.arange(half, dtype=np.float64) / half)
    ang = np.asarray(pos, dtype=np.float64)[:, None] * omega[None, :]
    return np.concatenate([np.sin(ang), np.cos(ang)], axis=1)


def sincos_2d(dim, gh, gw):
    """PosEmbed.sinCos2d (MAE / I-JEPA): token r*gw + c, first dim/2 channels embed the column c,
    last dim/2 the row r. Computed in double, cast to float32. Fixed, not learned."""
    r, c = np.meshgrid(np.arange(gh), np.arange(gw), indexing="ij")
    r, c = r.reshape(-1), c.reshape(-1)
    emb = np.concatenate([sincos_1d(dim // 2, c), sincos_1d(dim // 2, r)], axis=1)
    return torch.from_numpy(emb.astype(np.float32))


class Linear(nn.Linear):
    """nn/Linear.java: weight trunc-normal std 0.02 (decayed), bias zeros (not decayed)."""

    def __init__(self, i, o):
        super().__init__(i, o, bias=True)
        trunc_normal_(self.weight, 0.02)
        nn.init.zeros_(self.bias)


class LayerNorm(nn.LayerNorm):
    """nn/LayerNorm.java (affine): weight 1, bias 0, neither decayed."""

    def __init__(self, d, eps=LN_EPS):
        super().__init__(d, eps=eps, elementwise_affine=True)


class Attention(nn.Module):
    """nn/MultiHeadSelfAttention.java: qkv Linear D->3D WITH bias, rows laid out [3, H, hd];
    softmax(q k^T / sqrt(hd)) v; proj Linear D->D with bias; no dropout. No I-JEPA
    'fix_init_weight' rescaling of proj / fc2 (jepa4j has none)."""

    def __init__(self, dim, heads):
        super().__init__()
        self.h, self.hd = heads, dim // heads
        self.scale = 1.0 / math.sqrt(self.hd)
        self.qkv = Linear(dim, 3 * dim)
        self.proj = Linear(dim, dim)

    def forward(self, x):
        b, n, d = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.h, self.hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = torch.softmax((q @ k.transpose(-2, -1)) * self.scale, dim=-1)
        o = (att @ v).transpose(1, 2).reshape(b, n, d)
        return self.proj(o)


class Block(nn.Module):
    """nn/TransformerBlock.java: pre-norm, x + attn(norm1(x)), then h + mlp(norm2(h));
    Mlp.java = fc1 -> exact (erf) GELU (Gelu.java) -> fc2."""

    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1 = LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = LayerNorm(dim)
        self.fc1 = Linear(dim, hidden)
        self.fc2 = Linear(hidden, dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))  # F.gelu default = exact erf form


class VisionTransformer(nn.Module):
    """model/VisionTransformer.java with VitConfig.preset("ref", 1, 28, 28): patch 4 -> 7x7 = 49
    tokens, D = 128, depth 4, 4 heads, MLP 512, LayerNorm eps 1e-6.
    tokens = PatchEmbed(x) + pos; optionally gather the kept tokens (after the position embedding,
    as I-JEPA's apply_masks); blocks; final LayerNorm (affine)."""

    def __init__(self, in_ch=1, img=28, patch=4, dim=128, depth=4, heads=4, mlp=512):
        super().__init__()
        self.grid = img // patch
        # PatchEmbed.java: conv with kernel = stride = patch; weight truncated LeCun normal
        # std 1/sqrt(C*p*p) = 0.25 (NOT I-JEPA's 0.02), decayed; bias zeros, not decayed.
        self.patch_embed = nn.Conv2d(in_ch, dim, patch, stride=patch)
        trunc_normal_(self.patch_embed.weight, 1.0 / math.sqrt(in_ch * patch * patch))
        nn.init.zeros_(self.patch_embed.bias)
        self.register_buffer("pos", sincos_2d(dim, self.grid, self.grid)[None], persistent=False)
        self.blocks = nn.ModuleList([Block(dim, heads, mlp) for _ in range(depth)])
        self.norm = LayerNorm(dim)

    def forward(self, x, keep=None):
        t = self.patch_embed(x).flatten(2).transpose(1, 2) + self.pos  # token r*gw + c
        if keep is not None:
            t = torch.gather(t, 1, keep[:, :, None].expand(-1, -1, t.shape[-1]))
        for blk in self.blocks:
            t = blk(t)
        return self.norm(t)


class Predictor(nn.Module):
    """model/Predictor.java (I-JEPA's VisionTransformerPredictor). Width 64, depth 2 (RunConfig
    defaults predictorDim 64 / predictorDepth 2), heads max(1, 64 / 32) = 2
    (ImageExperiment.jepaConfig), MLP 4 * 64 = 256, LN eps 1e-6 (PredictorConfig.forEncoder).
      c = predictor_embed(ctx) + pos[ctxIdx]
      per block m: [c ; mask_token + pos[target_m]], all M blocks at once as M*B rows, block-major
      blocks -> predictor_norm -> take the Kt target rows -> predictor_proj (64 -> 128)
    mask_token: trunc-normal 0.02 and DECAYED (store.add(..., true, ...) in Predictor.java)."""

    def __init__(self, enc_dim=128, dim=64, depth=2, heads=2, grid=7):
        super().__init__()
        self.predictor_embed = Linear(enc_dim, dim)
        self.mask_token = nn.Parameter(torch.zeros(dim))
        trunc_normal_(self.mask_token, 0.02)
        self.register_buffer("pos", sincos_2d(dim, grid, grid), persistent=False)
        self.predictor_blocks = nn.ModuleList([Block(dim, heads, 4 * dim) for _ in range(depth)])
        self.predictor_norm = LayerNorm(dim)
        self.predictor_proj = Linear(dim, enc_dim)

    def forward(self, ctx, ctx_idx, targets):
        m, b, kt = targets.shape
        kc = ctx.shape[1]
        c = self.predictor_embed(ctx) + self.pos[ctx_idx]          # [B, Kc, Dp]
        c = c.repeat(m, 1, 1)                                      # [M*B, Kc, Dp], row m*B + b
        t = self.pos[targets.reshape(m * b, kt)] + self.mask_token  # [M*B, Kt, Dp]
        h = torch.cat([c, t], dim=1)
        for blk in self.predictor_blocks:
            h = blk(h)
        h = self.predictor_norm(h)
        return self.predictor_proj(h[:, kc:])                      # [M*B, Kt, De]


# ----------------------------------------------------------------------------------------------
# Schedules: core/schedule/*.java, train/OptimConfig.defaults(), Trainer
# ----------------------------------------------------------------------------------------------
def lr_at(step, warmup, total, start=2e-4, ref=1e-3, final=1e-6):
    """WarmupCosineSchedule with k = step + 1: linear start->ref for k < warmup, then half cosine
    ref->final reaching final at step total - 1. OptimConfig.defaults(): start 2e-4, final 1e-6;
    ref = --lr; warmup = min(round(total * 0.1), total) (RunConfig warmupFraction 0.1)."""
    k = step + 1.0
    if k < warmup:
        return start + (k / warmup) * (ref - start)
    p = min(1.0, (k - warmup) / max(1.0, float(total - warmup)))
    return final + (ref - final) * 0.5 * (1.0 + math.cos(math.pi * p))


def wd_at(step, total, start=0.04, end=0.4):
    """CosineSchedule(total, 0.04, 0.4): p = min(1, (step + 1) / total), end + (start - end)(1 + cos pi p)/2."""
    p = min(1.0, (step + 1.0) / total)
    return end + (start - end) * 0.5 * (1.0 + math.cos(math.pi * p))


def ema_at(step, total, start=0.996, end=1.0):
    """LinearSchedule(0.996, 1.0, total) (MaskedJepaConfig.ijepa, 'linear'): start + min(step, T)(end - start)/T."""
    return start + min(step, total) * (end - start) / total


# ----------------------------------------------------------------------------------------------
# Evaluation: examples/Evaluation.java, image/train/Features.java, regularizers/probe/*, metrics/*
# ----------------------------------------------------------------------------------------------
@torch.no_grad()
def pooled_features(enc, x, n, batch=256):
    """Features.pooled: the FIRST n images (dataset order), batches of 256, full-token forward of
    the encoder (final norm included), mean over tokens, as float64 [n, D]."""
    out = []
    dev = next(enc.parameters()).device
    for s in range(0, min(n, x.shape[0]), batch):
        out.append(enc(x[s:min(s + batch, n)].to(dev)).mean(1).double().cpu())
    return torch.cat(out)


def fit_linear(xtr, ytr, classes, l2, max_iter=500, tol=1e-6):
    """LinearProbe.fit: standardise with the training mean and biased std (std <= 1e-12 -> 1);
    minimise (1/N) sum CE(W x + b, y) + (l2/2)||W||^2 (b not regularised) from zero by full-batch
    L-BFGS (Java: memory 10, Armijo backtracking, stop at max|g| <= 1e-6, 500 iterations, or a
    relative decrease <= 1e-12); here torch.optim.LBFGS, strong Wolfe, same memory, tolerances.
    Returns a function from features to predicted classes."""
    mean = xtr.mean(0)
    std = xtr.std(0, unbiased=False)
    std = torch.where(std > 1e-12, std, torch.ones_like(std))
    a = (xtr - mean) / std
    w = torch.zeros(classes, a.shape[1], dtype=torch.float64, device=a.device, requires_grad=True)
    b = torch.zeros(classes, dtype=torch.float64, device=a.device, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=max_iter, max_eval=max_iter * 5, history_size=10,
                            tolerance_grad=tol, tolerance_change=1e-12, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(a @ w.T + b, ytr) + 0.5 * l2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    w, b = w.detach(), b.detach()
    return lambda x: (((x - mean) / std) @ w.T + b).argmax(1)  # ties: lowest class, as LinearProbe.predict


L2_GRID = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6)  # LinearProbe.DEFAULT_L2_GRID


def linear_probe(xtr, ytr, xte, yte, classes=10, grid=L2_GRID, held_out=1.0 / 6, seed=0):
    """LinearProbe.fitSelectingL2 (the examples' Probes.linear): hold out round(N/6) random training
    rows (torch's generator, so not the same rows as Java's SplittableRandom), fit on the rest for
    each l2 in the grid, keep the best held-out accuracy (ties: the earlier, stronger l2), refit on
    all training rows with it and score the test rows. Returns (test accuracy, chosen l2)."""
    n = xtr.shape[0]
    held = int(round(held_out * n))
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    hi, fi = perm[:held].sort().values.to(xtr.device), perm[held:].sort().values.to(xtr.device)
    best, best_acc = None, -1.0
    for l2 in grid:
        acc = (fit_linear(xtr[fi], ytr[fi], classes, l2)(xtr[hi]) == ytr[hi]).double().mean().item()
        if acc > best_acc:
            best, best_acc = l2, acc
    pred = fit_linear(xtr, ytr, classes, best)(xte)
    return (pred == yte).double().mean().item(), best


def knn_probe(xtr, ytr, xte, yte, classes=10, k=20, temp=0.07, block=512):
    """KnnProbe: L2-normalise rows (norm floor 1e-12; raw features, not standardised), cosine
    similarity in double, the k = 20 most similar training rows vote with weight exp(s / T),
    T = 0.07; class with the largest total wins. Query blocks of 512 rows."""
    tr = xtr / xtr.norm(dim=1, keepdim=True).clamp_min(1e-12)
    te = xte / xte.norm(dim=1, keepdim=True).clamp_min(1e-12)
    kk = min(k, tr.shape[0])
    correct = 0
    for s in range(0, te.shape[0], block):
        sim = te[s:s + block] @ tr.T
        top, idx = sim.topk(kk, dim=1)
        votes = torch.zeros(sim.shape[0], classes, dtype=torch.float64, device=sim.device)
        votes.scatter_add_(1, ytr[idx], torch.exp((top - 1.0) / temp))
        correct += (votes.argmax(1) == yte[s:s + block]).sum().item()
    return correct / te.shape[0]


def collapse_metrics(z):
    """CollapseMetrics: RankMe = exp(-sum p log p), p_k = sigma_k / sum sigma + 1e-7, with sigma the
    singular values of the (uncentred) test features; std_l2 = mean over dims of the UNBIASED std
    over samples of the L2-normalised rows (norm floor 1e-12)."""
    sv = torch.linalg.svdvals(z)
    p = sv / sv.sum() + 1e-7
    rankme = math.exp(-(p * p.log()).sum().item())
    zn = z / z.norm(dim=1, keepdim=True).clamp_min(1e-12)
    return rankme, zn.std(0, unbiased=True).mean().item()


def evaluate(enc, xtr, ytr, xte, yte, n_train, n_test, probe_dev=torch.device("cpu")):
    """Evaluation.evaluate on the EMA target encoder (Setup.masked, probeEncoder 'target'); the probes
    run on probe_dev."""
    enc.eval()
    ftr = pooled_features(enc, xtr, n_train).to(probe_dev)
    fte = pooled_features(enc, xte, n_test).to(probe_dev)
    ytr, yte = ytr[:ftr.shape[0]].to(probe_dev), yte[:fte.shape[0]].to(probe_dev)
    rankme, std_l2 = collapse_metrics(fte)
    lin, l2 = linear_probe(ftr, ytr, fte, yte)
    knn = knn_probe(ftr, ytr, fte, yte)
    return lin, l2, knn, rankme, std_l2


# ----------------------------------------------------------------------------------------------
# Training: core/task/MaskedJepaTask.java, core/train/Trainer.java, examples/TrainRun.java
# ----------------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--eval-epochs", default="1,3,10")
    ap.add_argument("--max-steps", type=int, default=0, help="stop early (the schedules keep their full length)")
    ap.add_argument("--eval-train", type=int, default=60000)
    ap.add_argument("--eval-test", type=int, default=10000)
    ap.add_argument("--out", default="runs/torch-ref")
    ap.add_argument("--device", default="cpu", help="where to train: cpu or cuda")
    ap.add_argument("--probe-device", default="cpu", help="where the probes run (float64 L-BFGS, kNN)")
    ap.add_argument("--data-dir", default=DATA_DIR)
    ap.add_argument("--warmup-frac", type=float, default=0.1, help="RunConfig warmupFraction")
    ap.add_argument("--n-targets", type=int, default=4)
    ap.add_argument("--t-scale", default="0.15,0.2", help="target block scale MIN,MAX")
    ap.add_argument("--c-scale", default="0.85,1.0", help="context block scale MIN,MAX")
    ap.add_argument("--probe-context", action="store_true", help="also probe the context encoder at each evaluation")
    args = ap.parse_args()
    set_data_dir(args.data_dir)
    probe_dev = torch.device(args.probe_device)
    dev = torch.device(args.device)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    csv = os.path.join(args.out, "evals.csv")
    csv_context = os.path.join(args.out, "evals-context.csv")  # --probe-context: the same columns for the context encoder
    for path in [csv] + ([csv_context] if args.probe_context else []):
        with open(path, "w") as f:
            f.write("epoch,step,linear_probe_acc,knn_acc,rankme,std_l2,train_seconds,linear_probe_l2\n")

    xtr, ytr = load_split(True)
    xte, yte = load_split(False)
    n = xtr.shape[0]
    spe = n // args.batch  # LoaderSourceBase: size / batch, last partial batch dropped
    total = args.epochs * spe  # TrainRun: epochs * stepsPerEpoch
    warmup = min(int(math.floor(total * args.warmup_frac + 0.5)), total)  # Math.round(total * warmupFraction)
    stop = min(total, args.max_steps) if args.max_steps > 0 else total
    eval_epochs = {int(e) for e in args.eval_epochs.split(",") if e.strip()}

    encoder = VisionTransformer()
    predictor = Predictor()
    target = VisionTransformer()
    target.load_state_dict(encoder.state_dict())  # MaskedJepaTask: target store = copy of encoder
    for p in target.parameters():
        p.requires_grad_(False)
    masker = MultiBlockMaskCollator(7, 7, seed=args.seed * 31 + 7, n_targets=args.n_targets,
                                    t_scale=tuple(float(v) for v in args.t_scale.split(",")),
                                    c_scale=tuple(float(v) for v in args.c_scale.split(",")))
    encoder.to(dev), predictor.to(dev), target.to(dev)
    xtr_dev = xtr.to(dev)

    # AdamW (optim/AdamW.java = torch.optim.AdamW semantics): betas (0.9, 0.999), eps 1e-8, decoupled
    # decay p -= lr*wd*p only on decay=true params: Linear/patch weights and the mask token; not on
    # biases or LayerNorm params (ParamStore decay mask). No gradient clipping (clipNorm 0).
    params = [(nm, p) for m in (encoder, predictor) for nm, p in m.named_parameters()]
    decayed = {nm for nm, p in params if nm.endswith("weight") and p.ndim > 1 or nm == "mask_token"}
    decay = [p for nm, p in params if nm in decayed]
    no_decay = [p for nm, p in params if nm not in decayed]
    opt = torch.optim.AdamW([{"params": decay, "decay": True}, {"params": no_decay, "decay": False}],
                            lr=args.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    n_params = sum(p.numel() for _, p in params)
    print(f"ijepa on fashion-mnist/train ({n} images of 1x28x28), encoder ref (49 tokens), {stop} of {total} "
          f"steps of batch {args.batch}, warm-up {warmup}, {n_params} trainable parameters, {args.threads} thread(s)",
          flush=True)

    encoder.train(), predictor.train()  # no dropout anywhere; evaluate() switches only the target to eval
    dim = encoder.norm.normalized_shape[0]
    train_seconds = 0.0
    last_eval_step = -1
    window_t, window_n = time.time(), 0
    perm, perm_epoch = None, -1
    for step in range(stop):
        t0 = time.time()
        epoch, k = divmod(step, spe)
        if epoch != perm_epoch:
            perm, perm_epoch = epoch_permutation(args.seed, epoch, n), epoch
        idx = torch.from_numpy(perm[k * args.batch:(k + 1) * args.batch])
        x = xtr_dev[idx.to(dev)]
        ctx_idx, tgt = (t.to(dev) for t in masker.sample(args.batch, step))  # stream = epoch * spe + k = step

        # 1. target: EMA encoder on all tokens, final norm, then F.layer_norm without affine, eps 1e-5
        #    (TargetNorm), gathered per target block, block-major [M*B, Kt, D]. No gradient.
        with torch.no_grad():
            h = F.layer_norm(target(x), (dim,), eps=1e-5)
            m_, b_, kt = tgt.shape
            gidx = tgt.permute(1, 0, 2).reshape(b_, m_ * kt)
            g = torch.gather(h, 1, gidx[:, :, None].expand(-1, -1, dim))
            targets = g.reshape(b_, m_, kt, dim).permute(1, 0, 2, 3).reshape(m_ * b_, kt, dim)
        # 2-3. context encoder on the kept tokens; predictor once over all M blocks.
        z = encoder(x, ctx_idx)
        pred = predictor(z, ctx_idx, tgt)
        # 4. smooth-L1, beta 1, mean over all M*B*Kt*D elements (PredictionLoss, MaskedJepaConfig.ijepa).
        loss = F.smooth_l1_loss(pred, targets, beta=1.0)
        opt.zero_grad(set_to_none=False)
        loss.backward()
        # 6. AdamW with the scheduled lr / wd of this 0-based step (Trainer).
        lr, wd = lr_at(step, warmup, total, ref=args.lr), wd_at(step, total)
        for grp in opt.param_groups:
            grp["lr"] = lr
            grp["weight_decay"] = wd if grp["decay"] else 0.0
        opt.step()
        # 7. EMA of every encoder parameter: target = m target + (1 - m) encoder (Ema.update).
        mom = ema_at(step, total)
        with torch.no_grad():
            for pt, pe in zip(target.parameters(), encoder.parameters()):
                pt.mul_(mom).add_(pe, alpha=1.0 - mom)
        lv = loss.item()
        train_seconds += time.time() - t0
        window_n += 1
        done = step + 1
        if done % 50 == 0 or done == stop or done == 1:
            el = time.time() - window_t
            print(f"step {done}/{total} epoch {epoch} loss {lv:.5f} lr {lr:.3e} wd {wd:.4f} ema {mom:.5f} "
                  f"{window_n * args.batch / max(el, 1e-9):.1f} img/s ({el / window_n:.3f} s/step)", flush=True)
            window_t, window_n = time.time(), 0
        # EpochEvaluations: at the end of each listed epoch; plus the end of a --max-steps run
        # (TrainRun also evaluates once after training).
        if (done % spe == 0 and done // spe in eval_epochs) or (done == stop and last_eval_step != done):
            te = time.time()
            ep = str(done // spe) if done % spe == 0 else f"{done / spe:.3f}"
            # The evaluated weights, saved before probing, so later probe protocols can re-score this run
            # without training again (also when the probes are cut short).
            torch.save(target.state_dict(), os.path.join(args.out, f"target-epoch-{ep}.pt"))
            if args.probe_context:
                torch.save(encoder.state_dict(), os.path.join(args.out, f"encoder-epoch-{ep}.pt"))
            lin, l2, knn, rankme, std_l2 = evaluate(target, xtr, ytr, xte, yte, args.eval_train, args.eval_test, probe_dev)
            with open(csv, "a") as f:
                f.write(f"{ep},{done},{lin:.6f},{knn:.6f},{rankme:.6f},{std_l2:.6f},{train_seconds:.3f},{l2:g}\n")
            if args.probe_context:
                c = evaluate(encoder, xtr, ytr, xte, yte, args.eval_train, args.eval_test, probe_dev)
                encoder.train()
                with open(csv_context, "a") as f:
                    f.write(f"{ep},{done},{c[0]:.6f},{c[2]:.6f},{c[3]:.6f},{c[4]:.6f},{train_seconds:.3f},{c[1]:g}\n")
                print(f"epoch {ep} context encoder: linear probe {100 * c[0]:.2f}%", flush=True)
            print(f"epoch {ep} evaluation: linear probe {100 * lin:.2f}% (l2 {l2:g}), kNN {100 * knn:.2f}%, RankMe "
                  f"{rankme:.1f}, std-l2 {std_l2:.4f} ({time.time() - te:.0f} s)", flush=True)
            last_eval_step = done
            window_t = time.time()
    print(f"done: {stop} steps in {train_seconds:.1f} s of training ({train_seconds / max(stop, 1):.3f} s/step)")


if __name__ == "__main__":
    main()
