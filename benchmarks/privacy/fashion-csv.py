"""Fashion-MNIST as two CSV files for the README's private-training table: fashion-train.csv (the 60,000 training
images) and fashion-test.csv (the 10,000 test images), pixels scaled to [0, 1] so that training needs no
standardization (whose statistics DP-SGD would not cover), label last. Reads Debian's dataset-fashion-mnist package
(apt-get install -y dataset-fashion-mnist). Usage: python3 fashion-csv.py [OUT_DIR] (default: the current directory)."""
import gzip, os, struct, sys
src = '/usr/share/datasets/fashion-mnist/'
out = sys.argv[1] if len(sys.argv) > 1 else '.'
for part, name in (('train', 'fashion-train.csv'), ('t10k', 'fashion-test.csv')):
    imgs = gzip.open(src + part + '-images-idx3-ubyte.gz').read()
    labs = gzip.open(src + part + '-labels-idx1-ubyte.gz').read()
    n = struct.unpack('>I', imgs[4:8])[0]
    scaled = ['0' if v == 0 else '%.4g' % (v / 255) for v in range(256)]
    with open(os.path.join(out, name), 'w') as f:
        f.write(','.join('p%d' % i for i in range(784)) + ',label\n')
        for r in range(n):
            px = imgs[16 + r * 784:16 + (r + 1) * 784]
            f.write(','.join(scaled[v] for v in px) + ',' + str(labs[8 + r]) + '\n')
