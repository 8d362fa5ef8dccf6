"""1-nearest-neighbour accuracy: closed cases and errors."""
import pytest
import torch

from zoo.metrics.features import nearest_neighbour_accuracy


def test_one_nearest_neighbour_on_separable_and_swapped_labels():
    train = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    labels = torch.tensor([0, 1, 2])
    test = torch.tensor([[0.5, 0.2], [9.0, 1.0], [1.0, 8.0], [11.0, -1.0]])
    assert nearest_neighbour_accuracy(train, labels, test, torch.tensor([0, 1, 2, 1])) == 1.0
    assert nearest_neighbour_accuracy(train, labels, test, torch.tensor([1, 1, 2, 0]), batch_size=3) == 0.5


def test_cosine_ignores_the_norm():
    train, labels = torch.tensor([[1.0, 0.0], [0.0, 10.0]]), torch.tensor([0, 1])
    test = torch.tensor([[3.0, 4.0]])  # nearer to (1, 0) (distance² 20 vs 45), but at an angle nearer to (0, 10)
    assert nearest_neighbour_accuracy(train, labels, test, torch.tensor([1])) == 0.0
    assert nearest_neighbour_accuracy(train, labels, test, torch.tensor([1]), metric="cosine") == 1.0


def test_errors():
    with pytest.raises(ValueError, match="metric"):
        nearest_neighbour_accuracy(torch.zeros(2, 2), torch.zeros(2), torch.zeros(1, 2), torch.zeros(1), "l1")
    with pytest.raises(ValueError, match="do not match"):
        nearest_neighbour_accuracy(torch.zeros(2, 2), torch.zeros(3), torch.zeros(1, 2), torch.zeros(1))
