import pickle, sys, numpy as np, collections, re
sys.path.insert(0, '.')
from evals.train import Example, fit_classifier
from assistant.answering.features import FEATURES, QTYPES, INDEX
data = pickle.load(open('evals/experiments_s39/feat.pkl', 'rb'))
ex = lambda ds: [Example(d['qid'], d['fold'], d['answerable'], d['x'], d['y'], d['docs']) for d in ds]
stat = collections.defaultdict(lambda: [0, 0]); qw = collections.defaultdict(lambda: [0, 0])
for k in [1, 2, 3, 4]:
    b = fit_classifier(ex([d for d in data if d['fold'] != k]), 7)
    for d in data:
        if d['fold'] == k and d['answerable'] and len(d['y']):
            sc = b.predict(d['x'], num_threads=1); ok = bool(d['y'][int(np.argmax(sc))])
            t = [q for q in QTYPES if d['x'][0, INDEX['q_' + q]] > 0]
            key = t[0] if t else '-'
            stat[key][0] += ok; stat[key][1] += 1
            w = ' '.join(re.findall(r'\w+', d['question'].lower())[:2])
            qw[w][0] += ok; qw[w][1] += 1
for k, (a, n) in sorted(stat.items(), key=lambda kv: -kv[1][1]): print(f'{k:14s} {a}/{n} {a/n:.2f}  miss {n-a}')
print()
for k, (a, n) in sorted(qw.items(), key=lambda kv: -(kv[1][1]-kv[1][0]))[:30]: print(f'{k:28s} {a}/{n} miss {n-a}')
