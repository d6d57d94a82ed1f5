import pickle, sys, numpy as np
sys.path.insert(0, '.')
from evals.train import Example, fit_classifier
data = pickle.load(open('evals/experiments_s39/feat.pkl', 'rb'))
hits = {1: [], 2: [], 3: [], 5: [], 10: [], 'all': []}
for k in [1, 2, 3, 4]:
    for sd in (7, 1, 2):
        b = fit_classifier([Example(d['qid'], d['fold'], d['answerable'], d['x'], d['y'], d['docs']) for d in data if d['fold'] != k], sd)
        for d in data:
            if d['fold'] == k and d['answerable']:
                if not len(d['y']):
                    for key in hits: hits[key].append(False)
                    continue
                o = np.argsort(-b.predict(d['x'], num_threads=1), kind='stable')
                for key in hits:
                    n = len(o) if key == 'all' else key
                    hits[key].append(bool(d['y'][o[:n]].any()))
for key, v in hits.items(): print(key, round(np.mean(v), 3), len(v))
