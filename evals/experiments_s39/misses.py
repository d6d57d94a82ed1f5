import pickle, sys, random, numpy as np
sys.path.insert(0, '.')
from evals.train import Example, fit_classifier
from evals.devdocs import dev_assistant
from evals.train import shipped_training
from assistant.answering.features import FEATURES
data = pickle.load(open('evals/experiments_s39/feat.pkl', 'rb'))
folds, indexed = shipped_training()
a = dev_assistant(answer_model=False, folds=indexed); s = a._extractive.sentences
ex = lambda ds: [Example(d['qid'], d['fold'], d['answerable'], d['x'], d['y'], d['docs']) for d in ds]
miss = []
for k in [1, 2, 3, 4]:
    b = fit_classifier(ex([d for d in data if d['fold'] != k]), 7)
    for d in data:
        if d['fold'] == k and d['answerable'] and len(d['y']) and d['y'].any():
            sc = b.predict(d['x'], num_threads=1); o = np.argsort(-sc, kind='stable')
            if not d['y'][o[0]]:
                good = [int(i) for i in o if d['y'][i]][0]
                miss.append((d, sc, int(o[0]), good, int(np.where(o == good)[0][0])))
print(len(miss))
pickle.dump([(m[0]['qid'], m[2], m[3], m[4]) for m in miss], open('evals/experiments_s39/miss.pkl', 'wb'))
random.seed(3)
for d, sc, top, good, rk in random.sample(miss, 30):
    same = s.doc_id(d['rows'][top]) == s.doc_id(d['rows'][good])
    adj = abs(d['rows'][top] - d['rows'][good])
    print('Q', d['qid'], d['question'])
    print('  TOP %.3f' % sc[top], s.text(d['rows'][top])[:220])
    print('  GOOD %.3f rank %d samedoc %s rowdist %d' % (sc[good], rk, same, adj), s.text(d['rows'][good])[:220])
