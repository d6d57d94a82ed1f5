"""Training noise per LightGBM seed: staircase vs centred isotonic bands, same fits."""
import pickle, sys, numpy as np
sys.path.insert(0, "/tmp/s27/wtc")
from evals import train as T
sys.path.insert(0, "/tmp/s27")
from sim2 import stair, figures  # noqa
data = pickle.loads(open(sys.argv[1], "rb").read())
ex, seeds = data["train"], data["seeds"]
FOLDS = [1, 2, 3, 4]
for seed in [int(s) for s in sys.argv[2:]]:
    T.PARAMS["seed"] = seed
    tops = T.out_of_fold(ex, FOLDS)
    b = T.fit_classifier(ex.trained_on(FOLDS))
    st = {n: T.top_scores(b, e.items) for n, e in seeds.items()}
    for name, cal, cap in (("stair .06", stair, 0.06), ("cir .04", T.calibrate, 0.04), ("cir .06", T.calibrate, 0.06)):
        T.MAX_FALSE_NONE = cap
        xs, ys = cal(tops)
        conf = [float(np.interp(s, xs, ys)) for s, _, _ in tops]
        high, low = T.thresholds(conf, tops)
        out = [f"seed {seed} {name}: high {high:.3f} low {low:.3f} | OOF {figures(conf, tops, high, low)}"]
        for n, t in st.items():
            sc = [float(np.interp(s, xs, ys)) for s, _, _ in t]
            out.append(f"  {n:20s} {figures(sc, t, high, low)}")
        print("\n".join(out), flush=True)
