"""Trains the exported model in Keras: python3 train.py --epochs 1

--x / --y (default: train_x.json / train_y.json here, written by "rnn-studio export --data N") hold the inputs and
targets as {"dtype", "shape", "data"} (the predict contract); y holds class ids for a softmax model. Training starts
from the exported weights (--fresh for new ones) with the graph's optimizer, learning rate, loss and clipping, and
saves the model as a .keras file.
"""
import argparse
import os

import keras

from model import build_model, load_tfjs_weights
from tensor_json import read_tensor

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--x", default=os.path.join(HERE, "train_x.json"))
    ap.add_argument("--y", default=os.path.join(HERE, "train_y.json"))
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=0.001)
    ap.add_argument("--clip-norm", type=float, default=None, help="clip the gradients' global norm (none: no clipping)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--fresh", action="store_true", help="start from fresh initial weights instead of the exported ones")
    ap.add_argument("--out", default="trained.keras")
    args = ap.parse_args()

    keras.utils.set_random_seed(args.seed)
    x, y = read_tensor(args.x), read_tensor(args.y)
    model = build_model()
    if not args.fresh:
        load_tfjs_weights(model, HERE)
    # The model ends in a softmax and y holds class ids: sparse categorical cross-entropy.
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=False)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=args.lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7, global_clipnorm=args.clip_norm), loss=loss)
    model.fit(x, y, batch_size=args.batch_size, epochs=args.epochs, shuffle=True)
    model.save(args.out)
    print("saved " + args.out)


if __name__ == "__main__":
    main()
