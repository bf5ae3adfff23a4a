"""How much of the bouncing-ball velocity label can two frames explain?

For every frame t >= 1 of every video in a labels.csv (file,frame,x,y,vx,vy), the R^2 of the
label v_t against the ball's displacement between the last two frames, x_t - x_{t-1}: what a
probe reading only the motion between the clip's last two frames could reach. Bounces make the
two differ (the label after a bounce is the reflected velocity). Usage:

    python3 velocity_ceiling.py runs/data/bouncing-balls-32px-n256-f64/test/labels.csv
"""
import collections
import csv
import sys


def r2(y, p):
    m = sum(y) / len(y)
    return 1 - sum((a - b) ** 2 for a, b in zip(y, p)) / sum((a - m) ** 2 for a in y)


by_file = collections.defaultdict(list)
for row in csv.DictReader(open(sys.argv[1])):
    by_file[row["file"]].append(row)
for axis in ("x", "y"):
    label, disp = [], []
    for rows in by_file.values():
        rows.sort(key=lambda r: int(r["frame"]))
        for t in range(1, len(rows)):
            label.append(float(rows[t]["v" + axis]))
            disp.append(float(rows[t][axis]) - float(rows[t - 1][axis]))
    print(f"v{axis}: R^2 of the label against the last displacement = {r2(label, disp):.3f} ({len(label)} frames)")
