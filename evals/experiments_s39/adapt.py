"""Low-rank adapter over frozen e5 vectors as an answer-ranking feature, nested out of fold."""
import pickle, sys, os
import numpy as np, torch
sys.path.insert(0, '.')
from evals.train import Example, Examples, fit_classifier, chosen, EXTRA_RATIO, SEED_WEIGHT
torch.set_num_threads(2)
data = pickle.load(open('evals/experiments_s39/feat.pkl', 'rb'))
RANK = int(os.environ.get('RANK', 32)); TAU = float(os.environ.get('TAU', 30)); LAM = float(os.environ.get('LAM', 1.0)); EPOCHS = int(os.environ.get('EPOCHS', 60))
FULL = os.environ.get('FULL', '0') == '1'

def fit_adapter(items, seed=0):
    torch.manual_seed(seed)
    its = [d for d in items if len(d['y']) and d['y'].any()]
    n = len(its); mc = max(len(d['y']) for d in its)
    S = torch.zeros(n, mc, 384); Y = torch.zeros(n, mc, dtype=torch.bool); Mk = torch.zeros(n, mc, dtype=torch.bool)
    for i, d in enumerate(its):
        c = len(d['y']); S[i, :c] = torch.tensor(d['sv']); Y[i, :c] = torch.tensor(d['y'] > 0); Mk[i, :c] = True
    Q = torch.tensor(np.stack([d['qv'] for d in its]))
    W = torch.tensor([SEED_WEIGHT if d['fold'] is None else 1.0 for d in its])
    if FULL:
        D = torch.zeros(384, 384, requires_grad=True); params = [D]
    else:
        U = (0.01 * torch.randn(384, RANK)).requires_grad_(); V = (0.01 * torch.randn(384, RANK)).requires_grad_(); params = [U, V]
    opt = torch.optim.Adam(params, lr=float(os.environ.get("LR", 3e-3)))
    for ep in range(EPOCHS):
        perm = torch.randperm(n)
        for b in range(0, n, 128):
            idx = perm[b:b + 128]
            q = Q[idx]
            qa = q + (q @ D if FULL else (q @ U) @ V.T)
            sc = TAU * torch.einsum('bcd,bd->bc', S[idx], qa)
            neg = torch.finfo(sc.dtype).min / 4
            l = torch.logsumexp(sc.masked_fill(~Mk[idx], neg), 1) - torch.logsumexp(sc.masked_fill(~Y[idx], neg), 1)
            loss = (W[idx] * l).sum() / len(idx) + LAM * sum((p ** 2).sum() for p in params) / n
            opt.zero_grad(); loss.backward(); opt.step()
    with torch.no_grad():
        M = torch.eye(384) + (D if FULL else U @ V.T)
    return M.numpy()

def adapted(d, M):
    if not len(d['sv']): return np.zeros(0, np.float32)
    return d['sv'] @ (d['qv'] @ M)

def ranks(v):
    order = np.argsort(-v, kind='stable'); r = np.empty(len(v)); r[order] = np.arange(len(v)); return r

def with_feat(d, M):
    if not len(d['x']): return d['x']
    a = adapted(d, M)
    return np.column_stack([d['x'], a, a.max() - a, ranks(a)]).astype(np.float32)

FOLDS = [1, 2, 3, 4]
seeds = [7, 1, 2]
res = {'base': [], 'adapt': [], 'adapt_only': [], 'dense_only': []}
for k in FOLDS:
    test = [d for d in data if d['fold'] == k]
    train = [d for d in data if d['fold'] != k]
    M_out = fit_adapter(train)
    # nested: adapter features for training rows from adapters not fitted on them
    feats = {}
    inner = [j for j in FOLDS if j != k]
    for j in inner:
        Mj = fit_adapter([d for d in data if d['fold'] is not None and d['fold'] not in (k, j)] + [d for d in data if d['fold'] is None])
        for d in data:
            if d['fold'] == j: feats[d['qid']] = with_feat(d, Mj)
    Mseed = fit_adapter([d for d in data if d['fold'] in inner])
    for d in data:
        if d['fold'] is None: feats[d['qid']] = with_feat(d, Mseed)
    for d in test: feats[d['qid']] = with_feat(d, M_out)
    for d in test:
        if d['answerable'] and len(d['y']):
            a = adapted(d, M_out); dn = d['sv'] @ d['qv']
            res['adapt_only'].append(bool(d['y'][int(np.argmax(a))]))
            res['dense_only'].append(bool(d['y'][int(np.argmax(dn))]))
    for name, X in (('base', lambda d: d['x']), ('adapt', lambda d: feats[d['qid']])):
        ex = [Example(d['qid'], d['fold'], d['answerable'], X(d), d['y'], d['docs']) for d in train]
        for sd in seeds:
            import lightgbm
            from evals.train import _weights, PARAMS, ROUNDS
            rows = [e for e in ex if len(e.x)]
            ds = lightgbm.Dataset(np.concatenate([e.x for e in rows]), np.concatenate([e.y for e in rows]), weight=_weights(rows))
            b = lightgbm.train({**PARAMS, 'seed': sd}, ds, num_boost_round=ROUNDS)
            for d in test:
                x = X(d)
                if not len(x): res[name].append((0.0, False, d['answerable'])); continue
                sc = b.predict(x, num_threads=1)
                order = [int(i) for i in np.argsort(-sc, kind='stable')]
                picked = chosen(list(sc), order, d['docs'], EXTRA_RATIO)
                res[name].append((float(sc[order[0]]), bool(d['y'][picked].any()), d['answerable']))
    print('fold', k, 'done', flush=True)

from sklearn.metrics import roc_auc_score
print('adapter alone top1', np.mean(res['adapt_only']), 'raw dense top1', np.mean(res['dense_only']))
for name in ('base', 'adapt'):
    t = res[name]
    ans = [(s, r) for s, r, a in t if a]; un = [s for s, r, a in t if not a]
    right = np.mean([r for s, r in ans])
    sc = np.array([s for s, r in ans]); ok = np.array([r for s, r in ans])
    auc = roc_auc_score(ok, sc)
    allsc = np.array([s for s, r, a in t]); lab = np.array([a for s, r, a in t])
    auc_ans = roc_auc_score(lab, allsc)
    thr = np.quantile(sc, 0.06)
    abst = np.mean(np.array(un) < thr)
    print(f'{name}: answerable right {right:.3f}  AUC right {auc:.3f}  AUC answerable {auc_ans:.3f}  abstain recall@6% {abst:.3f}  n={len(ans)}')
