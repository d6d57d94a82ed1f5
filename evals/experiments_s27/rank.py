import pickle, sys, numpy as np, lightgbm
from evals import train as T
from evals.train import FEATURES
ex = pickle.loads(open("/tmp/s26/examples.pkl","rb").read())
FOLDS=[1,2,3,4]
def fit(items, obj, rounds=300, extra=None):
    rows=[e for e in items if len(e.x)]
    x=np.concatenate([e.x for e in rows]); y=np.concatenate([e.y for e in rows])
    p=dict(T.PARAMS); p.update(extra or {})
    if obj=="binary":
        d=lightgbm.Dataset(x,y,weight=T._weights(rows))
    else:
        p["objective"]=obj
        p.setdefault("eval_at",[1])
        # per-query weights: lambdarank uses per-row weight? use group weights via row weights of first
        w=np.array([(T.SEED_WEIGHT if e.fold is None else 1.0) for e in rows])
        d=lightgbm.Dataset(x,y,group=[len(e.x) for e in rows], weight=np.repeat(w,[len(e.x) for e in rows]))
    return lightgbm.train(p,d,num_boost_round=rounds)
def top1(b, items):
    out=[]
    for e in items:
        if not e.answerable: continue
        if not len(e.x): out.append(0); continue
        s=b.predict(e.x, num_threads=1); out.append(float(e.y[int(np.argmax(s))]))
    return out
configs = {
 "binary": ("binary", 300, None),
 "lambdarank": ("lambdarank", 300, None),
 "xendcg": ("rank_xendcg", 300, None),
 "binary_600_l31": ("binary", 600, {"num_leaves":31}),
}
for name,(obj,r,extra) in configs.items():
    res=[]
    for k in FOLDS:
        b=fit(ex.trained_on(set(FOLDS)-{k}), obj, r, extra)
        res+=top1(b,[e for e in ex.items if e.fold==k])
    print(name, len(res), round(float(np.mean(res)),4), flush=True)
