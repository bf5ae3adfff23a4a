#!/usr/bin/env python3
"""PyTorch's time for one training step of jepa4j's reference model, for the speed table.

The same step as `./jepa4j bench speed --presets ref` (and as ijepa_fmnist.py, whose model, masks
and schedules it imports): batch 64 of 1x28x28 inputs (random pixels), the `ref` ViT (patch 4,
49 tokens, D 128, depth 4, 4 heads, MLP 512), the 64-wide depth-2 predictor, 4 target blocks;
target forward without gradients, context forward, predictor, smooth-L1 loss, backward, AdamW,
EMA. Masks are drawn before the timer starts, as jepa4j draws them on the data thread. Prints the
median, p10 and p90 ms/step over the measured steps.

Needs Debian's python3-torch (1.13) with an optimised BLAS (libopenblas0-pthread; Debian's torch
otherwise runs netlib's reference BLAS). On an AVX-512 CPU set OPENBLAS_CORETYPE=SKYLAKEX, as
jepa4j's launcher does for its own OpenBLAS.
Run:  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 step_speed.py --threads 2 --warmup 10 --steps 30
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ijepa_fmnist import MultiBlockMaskCollator, Predictor, VisionTransformer, ema_at, lr_at, wd_at  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if args.batch < 1 or args.threads < 1 or args.steps < 1 or args.warmup < 0:
        raise SystemExit("batch, threads and steps must be positive and warmup non-negative")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    encoder, predictor, target = VisionTransformer(), Predictor(), VisionTransformer()
    target.load_state_dict(encoder.state_dict())
    for p in target.parameters():
        p.requires_grad_(False)
    params = [(nm, p) for m in (encoder, predictor) for nm, p in m.named_parameters()]
    decayed = {nm for nm, p in params if nm.endswith("weight") and p.ndim > 1 or nm == "mask_token"}
    opt = torch.optim.AdamW([{"params": [p for nm, p in params if nm in decayed], "decay": True},
                             {"params": [p for nm, p in params if nm not in decayed], "decay": False}],
                            lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    masker = MultiBlockMaskCollator(7, 7, seed=args.seed * 31 + 7)
    gen = torch.Generator().manual_seed(args.seed)
    total = args.warmup + args.steps
    dim = 128
    times = []
    for step in range(total):
        x = torch.randn(args.batch, 1, 28, 28, generator=gen)
        ctx_idx, tgt = masker.sample(args.batch, step)
        t0 = time.perf_counter()
        with torch.no_grad():  # 1. target
            h = F.layer_norm(target(x), (dim,), eps=1e-5)
            m_, b_, kt = tgt.shape
            gidx = tgt.permute(1, 0, 2).reshape(b_, m_ * kt)
            g = torch.gather(h, 1, gidx[:, :, None].expand(-1, -1, dim))
            targets = g.reshape(b_, m_, kt, dim).permute(1, 0, 2, 3).reshape(m_ * b_, kt, dim)
        z = encoder(x, ctx_idx)  # 2. context
        pred = predictor(z, ctx_idx, tgt)  # 3. predictor
        loss = F.smooth_l1_loss(pred, targets, beta=1.0)  # 4. loss
        opt.zero_grad(set_to_none=False)
        loss.backward()  # 5. backward
        for grp in opt.param_groups:  # 6. AdamW
            grp["lr"] = lr_at(step, max(1, total // 10), total)
            grp["weight_decay"] = wd_at(step, total) if grp["decay"] else 0.0
        opt.step()
        mom = ema_at(step, total)  # 7. EMA
        with torch.no_grad():
            for pt, pe in zip(target.parameters(), encoder.parameters()):
                pt.mul_(mom).add_(pe, alpha=1.0 - mom)
        loss.item()
        if step >= args.warmup:
            times.append((time.perf_counter() - t0) * 1e3)
    t = np.array(times)
    print(f"pytorch {torch.__version__} ref batch {args.batch}, {args.threads} thread(s): median {np.median(t):.1f} ms/step "
          f"(p10 {np.percentile(t, 10):.1f}, p90 {np.percentile(t, 90):.1f}) over {args.steps} steps after {args.warmup}")


if __name__ == "__main__":
    main()
