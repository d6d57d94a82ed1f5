"""Band choices on cached features: docs OOF (folds 1-4) and seed sets on the product index."""
import pickle, sys, numpy as np
from sklearn.isotonic import IsotonicRegression
from evals import train as T
data = pickle.loads(open(sys.argv[1], "rb").read()) if __name__ == "__main__" else None
ex, seeds = (data["train"], data["seeds"]) if data else (None, None)
FOLDS = [1, 2, 3, 4]
def stair(tops):
    s = np.array([x for x, _, _ in tops]); r = np.array([float(x) for _, x, _ in tops])
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(s, r)
    xs = iso.X_thresholds_.tolist(); ys = iso.y_thresholds_.tolist()
    return [0.0, *xs, 1.0], [ys[0], *ys, ys[-1]]
def figures(conf, tops, high, low):
    c = np.array(conf); a = np.array([x for _, _, x in tops]); r = np.array([x for _, x, _ in tops])
    ab = ((c < low) & ~a).sum() / max((~a).sum(), 1); fa = ((c < low) & a).sum() / max(a.sum(), 1)
    hs = (c >= high).mean(); ans = ((c >= low) & r & a).sum() / max(a.sum(), 1)
    return f"ab {ab:.3f} fa {fa:.3f} hs {hs:.3f} ans {ans:.3f}"
_cache = {}
def run(cal, cap, label):
    T.MAX_FALSE_NONE = cap
    if "tops" not in _cache:
        _cache["tops"] = T.out_of_fold(ex, FOLDS)
        _cache["b"] = T.fit_classifier(ex.trained_on(FOLDS))
        _cache["seed"] = {n: T.top_scores(_cache["b"], e.items) for n, e in seeds.items()}
    tops = _cache["tops"]
    xs, ys = (stair if cal == "iso" else T.calibrate)(tops)
    conf = [float(np.interp(s, xs, ys)) for s, _, _ in tops]
    high, low = T.thresholds(conf, tops)
    out = [f"{label:10s} high {high:.3f} low {low:.3f} | OOF {figures(conf, tops, high, low)}"]
    for n, st in _cache["seed"].items():
        sc = [float(np.interp(s, xs, ys)) for s, _, _ in st]
        out.append(f"  {n:20s} {figures(sc, st, high, low)}")
    print("\n".join(out), flush=True)
if __name__ == "__main__":
  run("iso", 0.06, "iso 0.06")
  for cap in (0.06, 0.05, 0.045, 0.04, 0.035, 0.03):
      run("cir", cap, f"cir {cap}")
