import pickle, sys, numpy as np
sys.path.insert(0, '.')
from evals.train import Example, fit_classifier, chosen, EXTRA_RATIO
from assistant.answering.features import INDEX
from sklearn.metrics import roc_auc_score
data = pickle.load(open('evals/experiments_s39/feat.pkl', 'rb'))
def extra(d):
    x = d['x']
    if not len(x): return x
    sup = x[:, INDEX['support']]; typed = x[:, INDEX['typed']]; rows = np.array(d['rows'])
    docs = np.array(d['docs'])
    b = int(np.argmax(sup))
    dist = np.where(docs == docs[b], np.minimum(np.abs(rows - rows[b]), 10), 11).astype(np.float32)
    # nearest typed candidate to the best-supported one
    near_typed = np.zeros(len(x), np.float32)
    cand = [i for i in range(len(x)) if typed[i] > 0 and dist[i] <= 10]
    if cand:
        j = min(cand, key=lambda i: (dist[i], -sup[i])); near_typed[j] = 1
    return np.column_stack([x, dist, near_typed, dist * (typed > 0)]).astype(np.float32)
res = {'base': [], 'near': []}
for k in [1, 2, 3, 4]:
    for name, X in (('base', lambda d: d['x']), ('near', extra)):
        tr = [Example(d['qid'], d['fold'], d['answerable'], X(d), d['y'], d['docs']) for d in data if d['fold'] != k]
        for sd in (7, 1, 2):
            import lightgbm
            from evals.train import _weights, PARAMS, ROUNDS
            rows = [e for e in tr if len(e.x)]
            b = lightgbm.train({**PARAMS, 'seed': sd}, lightgbm.Dataset(np.concatenate([e.x for e in rows]), np.concatenate([e.y for e in rows]), weight=_weights(rows)), num_boost_round=ROUNDS)
            for d in data:
                if d['fold'] != k: continue
                x = X(d)
                if not len(x): res[name].append((0.0, False, d['answerable'])); continue
                sc = b.predict(x, num_threads=1); order = [int(i) for i in np.argsort(-sc, kind='stable')]
                res[name].append((float(sc[order[0]]), bool(d['y'][chosen(list(sc), order, d['docs'], EXTRA_RATIO)].any()), d['answerable']))
for name, t in res.items():
    ans = [(s, r) for s, r, a in t if a]; un = [s for s, r, a in t if not a]
    sc = np.array([s for s, r in ans]); ok = np.array([r for s, r in ans])
    thr = np.quantile(sc, 0.06)
    print(name, 'right %.3f AUC %.3f abst %.3f' % (ok.mean(), roc_auc_score(ok, sc), np.mean(np.array(un) < thr)))
