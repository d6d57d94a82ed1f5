"""Training noise of a seed-averaged booster: two disjoint seed triples on the same features."""
import pickle, sys, numpy as np
sys.path.insert(0, "/tmp/s27/wtc")
from evals import train as T
sys.path.insert(0, "/tmp/s27")
from sim2 import stair, figures  # noqa
data = pickle.loads(open(sys.argv[1], "rb").read())
ex, seeds = data["train"], data["seeds"]
FOLDS = [1, 2, 3, 4]
class Avg:
    def __init__(self, boosters): self.b = boosters
    def predict(self, x, num_threads=1): return np.mean([b.predict(x, num_threads=1) for b in self.b], axis=0)
def fit_avg(items, ss):
    out = []
    for s in ss:
        T.PARAMS["seed"] = s
        out.append(T.fit_classifier(items))
    return Avg(out)
for ss in ([1, 2, 3], [4, 5, 6], [8, 9, 10]):
    tops = []
    for k in FOLDS:
        b = fit_avg(ex.trained_on(set(FOLDS) - {k}), ss)
        tops += T.top_scores(b, [e for e in ex.items if e.fold == k])
    T.MAX_FALSE_NONE = 0.06
    xs, ys = T.calibrate(tops)
    conf = [float(np.interp(s, xs, ys)) for s, _, _ in tops]
    high, low = T.thresholds(conf, tops)
    b = fit_avg(ex.trained_on(FOLDS), ss)
    out = [f"seeds {ss}: high {high:.3f} low {low:.3f} | OOF {figures(conf, tops, high, low)}"]
    for n, e in seeds.items():
        st = T.top_scores(b, e.items)
        sc = [float(np.interp(s, xs, ys)) for s, _, _ in st]
        out.append(f"  {n:20s} {figures(sc, st, high, low)}")
    print("\n".join(out), flush=True)
