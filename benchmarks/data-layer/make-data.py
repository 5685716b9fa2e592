"""The data sets of the data layer's measurements (README "Data of any size", fleet/README.md), written to the
current directory: fashion (Fashion-MNIST's 60,000 training images as CSV, from Debian's dataset-fashion-mnist
package), mid (50,000 x 200 seeded Gaussian blobs, 75 MB) and big (2,000,000 x 100, 1.5 GB).
Usage: python3 make-data.py fashion|mid|big"""
import gzip, struct, random, sys
def fashion():
    d='/usr/share/datasets/fashion-mnist/'
    imgs=gzip.open(d+'train-images-idx3-ubyte.gz').read(); labs=gzip.open(d+'train-labels-idx1-ubyte.gz').read()
    n=struct.unpack('>I',imgs[4:8])[0]
    with open('fashion-mnist.csv','w') as f:
        f.write(','.join(f'p{i}' for i in range(784))+',label\n')
        for r in range(n):
            px=imgs[16+r*784:16+(r+1)*784]
            f.write(','.join(map(str,px))+','+str(labs[8+r])+'\n')
def synthetic(name, rows, feats, classes, seed):
    rnd=random.Random(seed)
    centers=[[rnd.gauss(0,1) for _ in range(feats)] for _ in range(classes)]
    with open(name,'w') as f:
        f.write(','.join(f'x{i}' for i in range(feats))+',y\n')
        for r in range(rows):
            c=rnd.randrange(classes); cc=centers[c]
            f.write(','.join(f'{cc[i]*0.3+rnd.gauss(0,1):.4f}' for i in range(feats))+f',{c}\n')
what=sys.argv[1]
if what=='fashion': fashion()
elif what=='mid': synthetic('synthetic-50k-200.csv',50000,200,10,1)
elif what=='big': synthetic('synthetic-2m-100.csv',2000000,100,10,2)
